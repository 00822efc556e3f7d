package io.modvm.core.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.state.StateRecord;
import io.modvm.core.config.ConfigurationStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The device manager against fake factories, a fake machine and a fake Config Admin. */
class DeviceManagerTest {
    /** A factory whose devices are never really built: the fake machine records the plug. */
    static final class FakeFactory implements DeviceFactory {
        final String type;

        FakeFactory(String type) {
            this.type = type;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public String description() {
            return type;
        }

        @Override
        public Device create(DeviceContext context, Map<String, String> properties) {
            throw new UnsupportedOperationException();
        }
    }

    /** The registry's factories, as the command-line component keeps them. */
    static final class Catalog implements DeviceCatalog {
        final List<DeviceFactory> factories = new CopyOnWriteArrayList<>();

        @Override
        public DeviceFactory find(String type) {
            return factories.stream().filter(f -> f.type().equals(type)).findFirst().orElse(null);
        }

        @Override
        public List<String> types() {
            return factories.stream().map(DeviceFactory::type).sorted().toList();
        }
    }

    /**
     * The machine: plugged devices by id; {@code bad=yes} makes the "factory" refuse. With {@code guestEjects}, a
     * cooperative unplug waits for {@link #eject}, as a PCI device of a running guest does.
     */
    static final class FakeHost implements DeviceHost {
        final Map<String, String> plugged = new LinkedHashMap<>();
        final List<String> log = new CopyOnWriteArrayList<>(); // the swap timer writes it too
        final Map<String, Runnable> ejectRequested = new LinkedHashMap<>();
        boolean guestEjects;
        /** Devices can be swapped: park keeps this state. */
        StateRecord state;
        boolean refuseState;
        final Map<String, StateRecord> parked = new LinkedHashMap<>();
        /** What the machine's swap timer would run, by parked device. */
        final Map<String, Runnable> timeouts = new LinkedHashMap<>();

        @Override
        public boolean park(String id, Runnable timedOut) {
            if (state == null || plugged.remove(id) == null) {
                return false;
            }
            log.add("park " + id);
            parked.put(id, state);
            timeouts.put(id, timedOut);
            return true;
        }

        @Override
        public boolean restore(String id, DeviceFactory factory, Map<String, String> properties)
                throws DeviceException {
            if (refuseState) {
                throw new DeviceException(id + ": saved state not taken over: version 9");
            }
            assertEquals(state, parked.remove(id));
            timeouts.remove(id);
            plugged.put(id, factory.type());
            log.add("restore " + id);
            return true;
        }

        @Override
        public boolean discardParked(String id, Runnable gone) {
            if (parked.remove(id) == null) {
                return false;
            }
            timeouts.remove(id);
            log.add("discard " + id);
            gone.run();
            return true;
        }

        void eject(String id) {
            Runnable gone = ejectRequested.remove(id);
            unplugNow(id, () -> { });
            gone.run();
        }

        @Override
        public boolean unplugNow(String id, Runnable gone) {
            if (plugged.remove(id) == null) {
                return false;
            }
            log.add("-" + id);
            Runnable requested = ejectRequested.remove(id);
            if (requested != null) {
                requested.run();
            }
            gone.run();
            return true;
        }

        @Override
        public void plug(String id, DeviceFactory factory, Map<String, String> properties) throws DeviceException {
            if (plugged.containsKey(id)) {
                throw new DeviceException("Duplicate device ID '" + id + "'");
            }
            if ("yes".equals(properties.get("bad"))) {
                throw new DeviceException("bad: not a valid value");
            }
            plugged.put(id, factory.type());
            log.add("+" + id);
        }

        @Override
        public boolean unplug(String id, Runnable gone) {
            if (guestEjects && plugged.containsKey(id)) {
                ejectRequested.put(id, gone);
                return true;
            }
            return unplugNow(id, gone);
        }
    }

    /** Config Admin in memory; {@code echo} hands each change back as Config Admin would (synchronously here). */
    static final class FakeStore implements ConfigurationStore {
        final Map<String, Map<String, Object>> configurations = new LinkedHashMap<>();
        BiConsumer<String, Map<String, Object>> echo;
        int next;

        @Override
        public String create(Map<String, String> properties) {
            String pid = DeviceManager.FACTORY_PID + "." + next++;
            Map<String, Object> stored = new LinkedHashMap<>(properties);
            stored.put("service.pid", pid);
            stored.put("service.factoryPid", DeviceManager.FACTORY_PID);
            configurations.put(pid, stored);
            if (echo != null) {
                echo.accept(pid, stored);
            }
            return pid;
        }

        @Override
        public void delete(String pid) {
            configurations.remove(pid);
        }

        @Override
        public Map<String, Map<String, Object>> existing() {
            return new LinkedHashMap<>(configurations);
        }
    }

    private final Catalog catalog = new Catalog();
    private final FakeHost host = new FakeHost();
    private final FakeStore store = new FakeStore();
    private final List<String> events = new CopyOnWriteArrayList<>(); // the swap timer emits too
    private DeviceManager manager;
    private final FakeFactory rng = new FakeFactory("virtio-rng-pci");
    private final FakeFactory serial = new FakeFactory("isa-serial");

    @BeforeEach
    void setUp() throws Exception {
        catalog.factories.add(rng);
        catalog.factories.add(serial);
        manager = new DeviceManager(catalog, store, (name, data) -> events.add(name + " " + data));
    }

    private static Map<String, Object> cfg(String type, String id, String... props) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        if (id != null) {
            m.put("id", id);
        }
        for (int i = 0; i < props.length; i += 2) {
            m.put(props[i], props[i + 1]);
        }
        m.put("service.pid", "x");
        m.put("felix.fileinstall.filename", "file:/deploy/x.cfg");
        return m;
    }

    private static String deleted(String id) {
        return "DEVICE_DELETED {device=" + id + ", path=/machine/peripheral/" + id + "}";
    }

    @Test
    void aConfigurationWaitsForTheMachineThenPlugsAfterTheCommandLinesDevices() throws Exception {
        manager.configurationUpdated("p1", cfg("virtio-rng-pci", "r1"));
        assertEquals(Map.of(), host.plugged);
        manager.attach(host, List.of(new DeviceSpec("isa-serial", "serial0", Map.of("chardev", "stdio"))));
        assertEquals(List.of("+serial0", "+r1"), host.log, "the command line's device plugs first");
        assertEquals(Map.of("serial0", true, "r1", true), manager.devices());
    }

    @Test
    void theCommandLinesDevicesTakeTheSamePathAsDeviceAdd() throws Exception {
        DeviceException unknown = assertThrows(DeviceException.class, () -> manager.attach(host,
                List.of(new DeviceSpec("nope", null, Map.of()))));
        assertEquals("-device nope: 'nope' is not a valid device model name; known types: isa-serial, "
                + "virtio-rng-pci", unknown.getMessage());
        DeviceException bad = assertThrows(DeviceException.class, () -> manager.attach(host,
                List.of(new DeviceSpec("virtio-rng-pci", null, Map.of("bad", "yes")))));
        assertEquals("-device virtio-rng-pci: bad: not a valid value", bad.getMessage());
        DeviceException dup = assertThrows(DeviceException.class, () -> manager.attach(host,
                List.of(new DeviceSpec("isa-serial", "s", Map.of()), new DeviceSpec("virtio-rng-pci", "s", Map.of()))));
        assertEquals("-device virtio-rng-pci: Duplicate device ID 's'", dup.getMessage());
    }

    @Test
    void theCommandLineAndDeviceAddChooseIdsAlike() throws Exception {
        manager.attach(host, List.of(new DeviceSpec("virtio-rng-pci", null, Map.of()),
                new DeviceSpec("virtio-rng-pci", null, Map.of())));
        assertEquals("virtio-rng-pci.2", manager.add("virtio-rng-pci", null, Map.of()));
        assertEquals(List.of("+virtio-rng-pci.0", "+virtio-rng-pci.1", "+virtio-rng-pci.2"), host.log);
    }

    @Test
    void theCommandLinesDevicesGetConfigurationsThatComeBackAsNoOps() throws Exception {
        store.echo = manager::configurationUpdated;
        manager.attach(host, List.of(new DeviceSpec("isa-serial", "serial0", Map.of("chardev", "stdio"))));
        manager.recordConfigurations();
        assertEquals(1, store.configurations.size());
        Map<String, Object> c = store.configurations.values().iterator().next();
        assertEquals("isa-serial", c.get("type"));
        assertEquals("serial0", c.get("id"));
        assertEquals("stdio", c.get("chardev"));
        manager.loadExisting(); // the managed service factory's first delivery
        assertEquals(List.of("+serial0"), host.log, "the configuration's echo plugs nothing again");
        // and deleting that configuration unplugs the device
        manager.configurationDeleted(store.configurations.keySet().iterator().next());
        assertEquals(List.of("+serial0", "-serial0"), host.log);
        assertEquals(List.of(deleted("serial0")), events);
    }

    @Test
    void anUnknownTypeWaitsForItsFactoryAndFollowsItsComingsAndGoings() throws Exception {
        catalog.factories.remove(rng);
        manager.attach(host, List.of());
        manager.configurationUpdated("p1", cfg("virtio-rng-pci", "r1"));
        assertEquals(Map.of("r1", false), manager.devices());

        catalog.factories.add(rng);
        manager.factoryAdded(rng);
        assertEquals(Map.of("r1", "virtio-rng-pci"), host.plugged);

        catalog.factories.remove(rng);
        manager.factoryRemoved(rng);
        assertEquals(Map.of(), host.plugged);
        assertEquals(Map.of("r1", false), manager.devices(), "the configuration stays");
        assertEquals(List.of(deleted("r1")), events);

        catalog.factories.add(rng);
        manager.factoryAdded(rng);
        assertEquals(List.of("+r1", "-r1", "+r1"), host.log);
        manager.factoryAdded(serial); // another type: nothing moves
        assertEquals(3, host.log.size());
    }

    @Test
    void aReplacementFactoryOfTheSameTypeTakesOverAtOnce() throws Exception {
        manager.attach(host, List.of());
        manager.configurationUpdated("p1", cfg("virtio-rng-pci", "r1"));
        FakeFactory second = new FakeFactory("virtio-rng-pci");
        catalog.factories.add(second);
        manager.factoryAdded(second); // r1 is plugged already: nothing to do
        catalog.factories.remove(rng);
        manager.factoryRemoved(rng);
        assertEquals(List.of("+r1", "-r1", "+r1"), host.log);
    }

    @Test
    void addPlugsAtOnceThenRecordsTheConfigurationWhoseEchoIsANoOp() throws Exception {
        store.echo = manager::configurationUpdated; // Config Admin answers before create() returns
        manager.attach(host, List.of());
        assertEquals("r1", manager.add("virtio-rng-pci", "r1", Map.of("max-bytes", "64")));
        assertEquals(List.of("+r1"), host.log);
        Map<String, Object> c = store.configurations.values().iterator().next();
        assertEquals(Map.of("type", "virtio-rng-pci", "id", "r1", "max-bytes", "64"),
                Map.of("type", c.get("type"), "id", c.get("id"), "max-bytes", c.get("max-bytes")));
        manager.loadExisting(); // the echo again, after create() returned
        assertEquals(List.of("+r1"), host.log);
        assertEquals("virtio-rng-pci.0", manager.add("virtio-rng-pci", null, Map.of()));
    }

    @Test
    void addFailsWithQemusWords() throws Exception {
        manager.attach(host, List.of());
        manager.add("virtio-rng-pci", "r1", Map.of());
        DeviceException unknown = assertThrows(DeviceException.class, () -> manager.add("nope", "x", Map.of()));
        assertEquals("'nope' is not a valid device model name; known types: isa-serial, virtio-rng-pci",
                unknown.getMessage());
        DeviceException dup = assertThrows(DeviceException.class,
                () -> manager.add("virtio-rng-pci", "r1", Map.of()));
        assertEquals("Duplicate device ID 'r1'", dup.getMessage());
        DeviceException bad = assertThrows(DeviceException.class,
                () -> manager.add("virtio-rng-pci", "r2", Map.of("bad", "yes")));
        assertEquals("bad: not a valid value", bad.getMessage());
        DeviceException id = assertThrows(DeviceException.class,
                () -> manager.add("virtio-rng-pci", "2 words", Map.of()));
        assertEquals("Parameter 'id' expects an identifier", id.getMessage());
        assertEquals(List.of("+r1"), host.log, "no failure touched the plugged device");
        assertEquals(1, store.configurations.size(), "a failed add leaves no configuration");
    }

    @Test
    void removeUnplugsAnnouncesAndDeletesTheConfiguration() throws Exception {
        manager.attach(host, List.of());
        manager.add("virtio-rng-pci", "r1", Map.of());
        String pid = store.configurations.keySet().iterator().next();
        DeviceManager.NotFoundException missing = assertThrows(DeviceManager.NotFoundException.class,
                () -> manager.remove("r9"));
        assertEquals("Device 'r9' not found", missing.getMessage());
        manager.remove("r1");
        assertEquals(List.of("+r1", "-r1"), host.log);
        assertEquals(List.of(deleted("r1")), events);
        assertEquals(Map.of(), store.configurations);
        manager.configurationDeleted(pid); // Config Admin's word of the deletion
        assertEquals(1, events.size());
        assertThrows(DeviceManager.NotFoundException.class, () -> manager.remove("r1"));
    }

    @Test
    void aRemovalWaitsForTheGuestsEjectAndTheIdStaysTakenUntilThen() throws Exception {
        host.guestEjects = true;
        manager.attach(host, List.of());
        manager.add("virtio-rng-pci", "r1", Map.of());
        manager.remove("r1");
        assertEquals(List.of(), events, "DEVICE_DELETED waits for the eject");
        DeviceException again = assertThrows(DeviceException.class, () -> manager.remove("r1"));
        assertEquals("Device r1 is already in the process of unplug", again.getMessage());
        DeviceException dup = assertThrows(DeviceException.class, () -> manager.add("virtio-rng-pci", "r1",
                Map.of()));
        assertEquals("Duplicate device ID 'r1'", dup.getMessage());
        manager.configurationUpdated("p9", cfg("virtio-rng-pci", "r1", "max-bytes", "8")); // waits for the id

        host.eject("r1");
        assertEquals(List.of(deleted("r1")), events);
        assertEquals(List.of("+r1", "-r1", "+r1"), host.log, "the configuration that waited got the id");
    }

    @Test
    void aFactoryLeavingWhileTheGuestHasNotEjectedUnplugsAtOnce() throws Exception {
        host.guestEjects = true;
        manager.attach(host, List.of());
        manager.add("virtio-rng-pci", "r1", Map.of());
        manager.remove("r1");
        catalog.factories.remove(rng);
        manager.factoryRemoved(rng);
        assertEquals(List.of("+r1", "-r1"), host.log);
        assertEquals(List.of(deleted("r1")), events);
        assertEquals(Map.of(), manager.devices());
    }

    @Test
    void aDeviceTheGuestEjectsOnItsOwnIsDeletedWithItsConfiguration() throws Exception {
        manager.attach(host, List.of());
        manager.add("virtio-rng-pci", "r1", Map.of());
        host.plugged.remove("r1"); // the machine unplugged it after the guest's eject
        manager.ejectedByGuest("r1");
        assertEquals(List.of(deleted("r1")), events);
        assertEquals(Map.of(), manager.devices());
        assertEquals(Map.of(), store.configurations);
        manager.ejectedByGuest("r1");
        assertEquals(1, events.size());
    }

    @Test
    void aDeviceParkedWhenItsFactoryLeavesIsTakenOverByTheNextOneUnseen() throws Exception {
        host.state = StateRecord.builder("test", 1).put("x", 5L).build();
        manager.attach(host, List.of());
        manager.add("virtio-rng-pci", "r1", Map.of());
        catalog.factories.remove(rng);
        manager.factoryRemoved(rng);
        assertEquals(Map.of("r1", false), manager.devices());
        FakeFactory updated = new FakeFactory("virtio-rng-pci");
        catalog.factories.add(updated);
        manager.factoryAdded(updated);
        assertEquals(List.of("+r1", "park r1", "restore r1"), host.log);
        assertEquals(List.of("__io.modvm_DEVICE_SWAPPED {device=r1, path=/machine/peripheral/r1, type=virtio-rng-pci, "
                + "old-version=unknown, new-version=unknown, state-kept=true}"), events,
                "the guest sees no removal: no DEVICE_DELETED, the swap's own event");
        assertEquals(Map.of("r1", true), manager.devices());
    }

    @Test
    void aParkedDeviceWithoutASuccessorInTimeLeavesTheGuestAndWaits() throws Exception {
        host.state = StateRecord.builder("test", 1).build();
        manager.attach(host, List.of());
        manager.add("virtio-rng-pci", "r1", Map.of());
        catalog.factories.remove(rng);
        manager.factoryRemoved(rng);
        host.timeouts.get("r1").run(); // the machine's swap timer
        assertEquals(List.of(deleted("r1")), events);
        assertEquals(List.of("+r1", "park r1", "discard r1"), host.log);
        catalog.factories.add(rng);
        manager.factoryAdded(rng);
        assertEquals("+r1", host.log.get(3), "the configuration stayed, and plugs a fresh device");
    }

    @Test
    void aSuccessorThatRefusesTheStateGetsAFreshDeviceAfterTheOldLeftTheGuest() throws Exception {
        host.state = StateRecord.builder("test", 1).build();
        host.refuseState = true;
        manager.attach(host, List.of());
        manager.add("virtio-rng-pci", "r1", Map.of());
        catalog.factories.remove(rng);
        manager.factoryRemoved(rng);
        catalog.factories.add(rng);
        manager.factoryAdded(rng);
        assertEquals(List.of("+r1", "park r1", "discard r1", "+r1"), host.log);
        assertEquals(List.of(deleted("r1")), events);
    }

    @Test
    void aDeletedConfigurationUnplugsItsDevice() throws Exception {
        manager.attach(host, List.of());
        manager.configurationUpdated("p1", cfg("virtio-rng-pci", "r1"));
        manager.configurationDeleted("p1");
        assertEquals(List.of("+r1", "-r1"), host.log);
        assertEquals(List.of(deleted("r1")), events);
    }

    @Test
    void aChangedConfigurationReplugsTheDevice() throws Exception {
        manager.attach(host, List.of());
        manager.configurationUpdated("p1", cfg("virtio-rng-pci", "r1"));
        manager.configurationUpdated("p1", cfg("virtio-rng-pci", "r1"));
        assertEquals(List.of("+r1"), host.log);
        manager.configurationUpdated("p1", cfg("virtio-rng-pci", "r1", "max-bytes", "8"));
        assertEquals(List.of("+r1", "-r1", "+r1"), host.log);
    }

    @Test
    void aConfigurationWithATakenIdWaitsForTheId() throws Exception {
        manager.attach(host, List.of());
        manager.configurationUpdated("p1", cfg("virtio-rng-pci", "r1"));
        manager.configurationUpdated("p2", cfg("isa-serial", "r1"));
        assertEquals(Map.of("r1", "virtio-rng-pci"), host.plugged);
        manager.configurationDeleted("p1");
        assertEquals(Map.of("r1", "isa-serial"), host.plugged);
    }

    @Test
    void aRefusedConfigurationLeavesTheOthersAndIsRetriedWithTheNextFactory() throws Exception {
        manager.attach(host, List.of());
        manager.configurationUpdated("p1", cfg("virtio-rng-pci", "r1"));
        manager.configurationUpdated("p2", cfg("virtio-rng-pci", "r2", "bad", "yes"));
        assertEquals(Map.of("r1", true, "r2", false), manager.devices());
        assertEquals(List.of("+r1"), host.log);
    }

    @Test
    void aConfigurationWithoutTypeIsIgnoredAndOneWithoutIdIsNamedByItsFile() throws Exception {
        manager.attach(host, List.of());
        Map<String, Object> noType = cfg("x", "r0");
        noType.remove("type");
        manager.configurationUpdated("p0", noType);
        manager.configurationUpdated("io.modvm.device~rng", cfg("virtio-rng-pci", null));
        Map<String, Object> driver = cfg("x", "r2");
        driver.remove("type");
        driver.put("driver", "virtio-rng-pci");
        manager.configurationUpdated("p2", driver);
        assertEquals(List.of("+rng", "+r2"), host.log);
    }

    @Test
    void parseKeepsOnlyTheDevicesOwnProperties() throws Exception {
        DeviceManager.Configured c = DeviceManager.parse("io.modvm.device~disk",
                cfg("virtio-blk-pci", "d1", "file", "/img", "readonly", "on"));
        assertEquals("virtio-blk-pci", c.type());
        assertEquals("d1", c.id());
        assertEquals(Map.of("file", "/img", "readonly", "on"), c.properties());
    }

    @Test
    void detachLeavesTheConfigurationsWaiting() throws Exception {
        manager.attach(host, List.of());
        manager.add("virtio-rng-pci", "r1", Map.of());
        manager.detach();
        assertEquals(Map.of("r1", false), manager.devices());
        DeviceException none = assertThrows(DeviceException.class, () -> manager.add("virtio-rng-pci", "r2",
                Map.of()));
        assertTrue(none.getMessage().contains("No machine"), none.getMessage());
        manager.factoryAdded(rng);
        assertEquals(List.of("+r1"), host.log);
    }
}

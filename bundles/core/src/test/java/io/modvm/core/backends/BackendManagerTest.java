package io.modvm.core.backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.backend.Backend;
import io.modvm.api.backend.BackendContext;
import io.modvm.api.backend.BackendFactory;
import io.modvm.api.device.CharBackend;
import io.modvm.api.device.CharReceiver;
import io.modvm.api.device.DeviceException;
import io.modvm.core.config.ConfigurationStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The backend manager against fake factories and an in-memory Config Admin. */
class BackendManagerTest {
    /** Every open and close, in order. */
    private final List<String> log = new ArrayList<>();

    /** A character backend that records its life. */
    private final class FakeChar implements Backend, CharBackend {
        final String name;

        FakeChar(String name) {
            this.name = name;
        }

        @Override
        public String describe() {
            return "fake:" + name;
        }

        @Override
        public void close() {
            log.add("close " + name);
        }

        @Override
        public void write(byte[] data, int offset, int length) {
        }

        @Override
        public void attach(CharReceiver receiver) {
        }

        @Override
        public void receiverReady() {
        }
    }

    /** A backend of another sort: a block node that may sit on a child node ({@code file=ID}). */
    private final class FakeNode implements Backend {
        final String name;

        FakeNode(String name) {
            this.name = name;
        }

        @Override
        public void close() {
            log.add("close " + name);
        }
    }

    private final class Factory implements BackendFactory {
        final String kind;
        final String type;

        Factory(String kind, String type) {
            this.kind = kind;
            this.type = type;
        }

        @Override
        public String kind() {
            return kind;
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
        public Backend open(BackendContext context, Map<String, String> properties) throws DeviceException {
            if (properties.containsKey("bad")) {
                throw new DeviceException("chardev " + type + ": unknown option 'bad'");
            }
            if (properties.containsKey("file")) {
                context.backend("block", properties.get("file"), FakeNode.class);
            }
            log.add("open " + context.backendId() + " " + properties);
            return kind.equals("chardev") ? new FakeChar(context.backendId())
                    : new FakeNode(context.backendId());
        }
    }

    private final class Catalog implements BackendCatalog {
        final List<BackendFactory> factories = new ArrayList<>();

        @Override
        public BackendFactory find(String kind, String type) {
            return factories.stream().filter(f -> f.kind().equals(kind) && f.type().equals(type)).findFirst()
                    .orElse(null);
        }

        @Override
        public List<String> types(String kind) {
            return factories.stream().filter(f -> f.kind().equals(kind)).map(BackendFactory::type).sorted()
                    .toList();
        }
    }

    private static final class Store implements ConfigurationStore {
        final Map<String, Map<String, Object>> configurations = new LinkedHashMap<>();
        int next;

        @Override
        public String create(Map<String, String> properties) {
            String pid = BackendManager.FACTORY_PID + "." + next++;
            configurations.put(pid, new LinkedHashMap<>(properties));
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
    private final Store store = new Store();
    private final List<String> quits = new ArrayList<>();
    private final Factory file = new Factory("chardev", "file");
    private final Factory stdio = new Factory("chardev", "stdio");
    private final Factory raw = new Factory("block", "raw");
    private BackendManager manager;

    @BeforeEach
    void setUp() {
        catalog.factories.addAll(List.of(file, stdio, new Factory("chardev", "socket"),
                new Factory("chardev", "null"), raw));
        manager = new BackendManager(catalog, store, () -> quits.add("quit"));
    }

    private static BackendSpec chardev(String type, String id, String... props) {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < props.length; i += 2) {
            p.put(props[i], props[i + 1]);
        }
        return new BackendSpec("chardev", type, id, p, "-chardev " + type + ",id=" + id, false);
    }

    @Test
    void theCommandLinesBackendsOpenInOrderAndFailWithTheirOrigin() throws Exception {
        manager.openAtStart(List.of(chardev("file", "f", "path", "/x"), chardev("stdio", "serial0")));
        assertEquals(List.of("open f {path=/x}", "open serial0 {}"), log);
        DeviceException dup = assertThrows(DeviceException.class,
                () -> manager.openAtStart(List.of(chardev("null", "f"))));
        assertEquals("-chardev null,id=f: Duplicate ID 'f' for chardev", dup.getMessage());
        DeviceException unknown = assertThrows(DeviceException.class,
                () -> manager.openAtStart(List.of(chardev("pty", "p"))));
        assertEquals("-chardev pty,id=p: 'pty' is not a valid char driver name; known types: file, null, socket, "
                + "stdio", unknown.getMessage());
        DeviceException bad = assertThrows(DeviceException.class,
                () -> manager.openAtStart(List.of(chardev("file", "g", "bad", "1"))));
        assertEquals("-chardev file,id=g: chardev file: unknown option 'bad'", bad.getMessage());
        assertEquals(List.of("f", "serial0"),
                manager.list("chardev").stream().map(BackendManager.Info::id).toList());
    }

    @Test
    void idsStartWithALetterOrQemusPrefixForTheOnesTheCommandLineMakes() throws Exception {
        manager.openAtStart(List.of(chardev("null", "__org.qemu.nic0")));
        assertEquals(List.of("open __org.qemu.nic0 {}"), log);
        for (String bad : List.of("_x", "0x", "__org.qemu.", "__other.x")) {
            DeviceException e = assertThrows(DeviceException.class, () -> manager.openAtStart(List.of(chardev("null",
                    bad))));
            assertTrue(e.getMessage().endsWith("Parameter 'id' expects an identifier, not '" + bad + "'"),
                    e.getMessage());
        }
    }

    @Test
    void aDeviceHoldsWhatItTakesUntilItLetsGo() throws Exception {
        manager.add("chardev", "file", "c0", Map.of("path", "/x"));
        CharBackend c = manager.take("chardev", "c0", CharBackend.class, "con0", "virtconsole");
        assertEquals("fake:c0", manager.list("chardev").get(0).description());
        assertEquals("con0", manager.list("chardev").get(0).holder());
        assertSame(c, manager.take("chardev", "c0", CharBackend.class, "con0", "virtconsole"),
                "the holder may ask again (a hot-swap's successor)");
        DeviceException inUse = assertThrows(DeviceException.class,
                () -> manager.take("chardev", "c0", CharBackend.class, "con1", "virtconsole"));
        assertEquals("Property 'virtconsole.chardev' can't take value 'c0', it's in use", inUse.getMessage());
        DeviceException missing = assertThrows(DeviceException.class,
                () -> manager.take("chardev", "c9", CharBackend.class, "con1", "virtconsole"));
        assertEquals("Property 'virtconsole.chardev' can't find value 'c9'", missing.getMessage());
        manager.release("con0", true);
        assertSame(c, manager.take("chardev", "c0", CharBackend.class, "con1", "virtconsole"));
        assertNull(manager.take("chardev", null, CharBackend.class, "con2", "virtconsole"));
    }

    @Test
    void aBackendOfAnotherSortIsRefused() throws Exception {
        manager.add("block", "raw", "d0", Map.of());
        DeviceException wrong = assertThrows(DeviceException.class,
                () -> manager.take("block", "d0", CharBackend.class, "x", "virtio-blk-pci"));
        assertEquals("Property 'virtio-blk-pci.drive' can't take value 'd0': it is not a CharBackend",
                wrong.getMessage());
    }

    @Test
    void aDriveInUseIsRefusedInQemusWords() throws Exception {
        manager.add("block", "raw", "d0", Map.of());
        manager.take("block", "d0", FakeNode.class, "hd0", "virtio-blk-pci");
        DeviceException inUse = assertThrows(DeviceException.class,
                () -> manager.take("block", "d0", FakeNode.class, "hd1", "virtio-blk-pci"));
        assertEquals("Drive 'd0' is already in use by another device", inUse.getMessage());
    }

    @Test
    void legacyFormsOpenABackendForTheDeviceAloneWhichClosesWithIt() throws Exception {
        manager.take("chardev", "file:/tmp/log", CharBackend.class, "con0", "virtconsole");
        assertEquals(List.of("open con0.chardev {path=/tmp/log}"), log);
        assertEquals("con0", manager.list("chardev").get(0).holder());
        DeviceException other = assertThrows(DeviceException.class,
                () -> manager.take("chardev", "con0.chardev", CharBackend.class, "con1", "virtconsole"));
        assertTrue(other.getMessage().contains("can't find value"), other.getMessage());
        manager.release("con0", false);
        assertEquals(List.of("open con0.chardev {path=/tmp/log}", "close con0.chardev"), log,
                "a parked device's own backend closes too: its successor opens its own");
        assertEquals(List.of(), manager.list("chardev"));
        manager.recordConfigurations();
        assertEquals(Map.of(), store.configurations, "never a configuration");
    }

    @Test
    void aLegacyDriveGoesWithItsDeviceButNotWhileItIsParked() throws Exception {
        manager.openAtStart(List.of(new BackendSpec("block", "raw", "d1", Map.of(), "-drive if=none,id=d1",
                true)));
        manager.recordConfigurations();
        manager.take("block", "d1", FakeNode.class, "hd1", "virtio-blk-pci");
        manager.release("hd1", false);
        assertEquals(1, manager.list("block").size(), "kept for the successor of a hot-swap");
        manager.take("block", "d1", FakeNode.class, "hd1", "virtio-blk-pci");
        manager.release("hd1", true);
        assertEquals(List.of(), manager.list("block"));
        assertEquals(Map.of(), store.configurations, "its configuration went too");
        assertTrue(log.contains("close d1"), log.toString());
    }

    @Test
    void removeRefusesABusyBackendUnlessForced() throws Exception {
        manager.add("chardev", "null", "c1", Map.of());
        manager.take("chardev", "c1", CharBackend.class, "con0", "virtconsole");
        DeviceException busy = assertThrows(DeviceException.class, () -> manager.remove("chardev", "c1", false));
        assertEquals("Chardev 'c1' is busy", busy.getMessage());
        DeviceException none = assertThrows(DeviceException.class, () -> manager.remove("chardev", "c9", false));
        assertEquals("Chardev 'c9' not found", none.getMessage());
        manager.remove("chardev", "c1", true);
        assertEquals(List.of(), manager.list("chardev"));
        assertEquals(Map.of(), store.configurations);
        DeviceException node = assertThrows(DeviceException.class, () -> manager.remove("block", "n9", false));
        assertEquals("Failed to find node with node-name='n9'", node.getMessage());
    }

    @Test
    void aNodeHoldsTheNodeItSitsOnUntilItCloses() throws Exception {
        manager.add("block", "raw", "f0", Map.of());
        manager.add("block", "raw", "fmt", Map.of("file", "f0"));
        DeviceException held = assertThrows(DeviceException.class,
                () -> manager.take("block", "f0", FakeNode.class, "hd0", "virtio-blk-pci"));
        assertEquals("Drive 'f0' is already in use by another device", held.getMessage());
        DeviceException busy = assertThrows(DeviceException.class, () -> manager.remove("block", "f0", false));
        assertEquals("Node 'f0' is busy: node 'fmt' is built on it", busy.getMessage());
        manager.remove("block", "fmt", false);
        manager.take("block", "f0", FakeNode.class, "hd0", "virtio-blk-pci");
    }

    @Test
    void configurationsAreRecordedAndTheirEchoIsANoOp() throws Exception {
        manager.openAtStart(List.of(chardev("file", "f", "path", "/x")));
        manager.recordConfigurations();
        assertEquals(1, store.configurations.size());
        Map<String, Object> c = store.configurations.values().iterator().next();
        assertEquals(Map.of("kind", "chardev", "type", "file", "id", "f", "path", "/x"), c);
        manager.loadExisting();
        assertEquals(List.of("open f {path=/x}"), log, "the echo opens nothing again");
        manager.configurationDeleted(store.configurations.keySet().iterator().next());
        assertEquals(List.of("open f {path=/x}", "close f"), log);
    }

    @Test
    void aConfigurationWaitsForItsTypeAndReopensAfterAnUpdateOfItsBundle() throws Exception {
        catalog.factories.remove(file);
        List<String> opened = new ArrayList<>();
        manager.onOpened(() -> opened.add("opened"));
        manager.configurationUpdated("io.modvm.backend~log", Map.of("kind", "chardev", "type", "file", "path",
                "/y", "felix.fileinstall.filename", "file:/deploy/x.cfg"));
        assertEquals(List.of(), log);
        catalog.factories.add(file);
        manager.factoryAdded(file);
        assertEquals(List.of("open log {path=/y}"), log, "named by its file, as a device's .cfg is");
        assertEquals(List.of("opened"), opened, "devices that wait for it try again");
        catalog.factories.remove(file);
        manager.factoryRemoved(file);
        assertEquals("close log", log.get(1));
        assertEquals("", manager.list("chardev").get(0).description(), "the configuration stays, closed");
        catalog.factories.add(file);
        manager.factoryAdded(file);
        assertEquals("open log {path=/y}", log.get(2));
    }

    @Test
    void closeAllClosesEverythingAndKeepsTheConfigurations() throws Exception {
        manager.add("chardev", "null", "a", Map.of());
        manager.take("chardev", "stdio", CharBackend.class, "con0", "virtconsole");
        manager.closeAll();
        assertTrue(log.containsAll(List.of("close a", "close con0.chardev")), log.toString());
        assertEquals(List.of("a"), manager.list("chardev").stream().map(BackendManager.Info::id).toList());
    }
}

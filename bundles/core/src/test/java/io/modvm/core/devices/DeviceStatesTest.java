package io.modvm.core.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateCodec;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hot-swap of a device on no PCI function (an ISA device gives its ports back and its successor takes them again),
 * and the machine-wide save and in-place restore that go through the same path.
 */
class DeviceStatesTest {
    /** An ISA device with one register at {@code port} (default 0x700) that reads back what was written. */
    static final class RegisterFactory implements DeviceFactory {
        final List<String> calls = new ArrayList<>();
        final String type;

        RegisterFactory(String type) {
            this.type = type;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public String description() {
            return "register";
        }

        @Override
        public Device create(DeviceContext context, Map<String, String> properties) throws DeviceException {
            return build(context, properties, 0);
        }

        @Override
        public Device restore(DeviceContext context, Map<String, String> properties, StateRecord state)
                throws DeviceException {
            calls.add("restore");
            try {
                state.require("register", 1, 1);
                long value = state.getLong("value");
                if (value == 66) {
                    throw new DeviceException(type + ": value 66 refused");
                }
                return build(context, properties, value);
            } catch (StateException e) {
                throw new DeviceException(type + ": " + e.getMessage());
            }
        }

        private Device build(DeviceContext context, Map<String, String> properties, long initial)
                throws DeviceException {
            Register r = new Register(context.deviceId(), initial, calls);
            if (properties.containsKey("mmio")) {
                context.mapMmio(Long.decode(properties.get("mmio")), 8, r);
            } else {
                context.mapPio(Integer.decode(properties.getOrDefault("port", "0x700")), 1, r);
            }
            return r;
        }
    }

    static final class Register implements StatefulDevice, BusHandler {
        private final String id;
        private final List<String> calls;
        long value;

        Register(String id, long value, List<String> calls) {
            this.id = id;
            this.value = value;
            this.calls = calls;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public long read(long offset, int size) {
            return value;
        }

        @Override
        public void write(long offset, int size, long v) {
            value = v;
        }

        @Override
        public void reset() {
            value = 0;
        }

        @Override
        public void close() {
            calls.add("close " + value);
        }

        @Override
        public void quiesce() {
            calls.add("quiesce");
        }

        @Override
        public StateRecord saveState() {
            return StateRecord.builder("register", 1).put("value", value).build();
        }

        @Override
        public void resume() {
            calls.add("resume");
        }
    }

    private final MachineDevicesTest.TestWiring wiring = new MachineDevicesTest.TestWiring();
    private final MachineDevicesTest.PauseCounter vcpus = new MachineDevicesTest.PauseCounter();
    private final MachineDevices m = new MachineDevices(wiring, vcpus, 60_000);

    @Test
    void anIsaDeviceIsParkedWithItsPortsFreedAndItsSuccessorTakesThemAndTheStateBack() throws Exception {
        RegisterFactory old = new RegisterFactory("isa-reg");
        m.plug("r1", old, Map.of());
        wiring.pio.write(0x700, 1, 42);

        assertTrue(m.park("r1", () -> { }), "a stateful ISA device is swappable");
        assertEquals(List.of("quiesce", "close 42"), old.calls);
        assertNull(wiring.pio.find(0x700), "its port is given back while it is parked");
        assertEquals(List.of("r1 parked"), wiring.released);
        assertEquals(List.of("hot-swap of r1"), vcpus.holds);

        RegisterFactory next = new RegisterFactory("isa-reg");
        m.restore("r1", next, Map.of());
        assertEquals("r1", wiring.pio.find(0x700).owner());
        assertEquals(42, wiring.pio.read(0x700, 1), "the state the guest left");
        assertEquals(List.of("r1"), m.ids());
        assertEquals(List.of(), vcpus.holds);
    }

    @Test
    void anMmioDeviceGivesItsRangeBackWhileParkedAndItsSuccessorTakesItAndTheStateBack() throws Exception {
        RegisterFactory f = new RegisterFactory("mmio-reg");
        Map<String, String> at = Map.of("mmio", "0xfed40000");
        m.plug("m1", f, at);
        wiring.mmio.write(0xfed40000L, 4, 42);
        assertTrue(m.park("m1", () -> { }));
        assertNull(wiring.mmio.find(0xfed40000L), "its range is given back while it is parked");
        assertTrue(m.restore("m1", new RegisterFactory("mmio-reg"), at), "its state is kept");
        assertEquals("m1", wiring.mmio.find(0xfed40000L).owner());
        assertEquals(42, wiring.mmio.read(0xfed40000L, 4));
        assertEquals(List.of(), vcpus.holds);
    }

    @Test
    void anIsaDeviceWhoseSuccessorRefusesItsStateIsRebuiltWithCreateOnItsPort() throws Exception {
        RegisterFactory f = new RegisterFactory("isa-reg");
        m.plug("r1", f, Map.of());
        wiring.pio.write(0x700, 1, 66);
        assertTrue(m.park("r1", () -> { }));
        assertFalse(m.restore("r1", f, Map.of()), "the state was refused, so it is not kept");
        assertEquals("r1", wiring.pio.find(0x700).owner());
        assertEquals(0, wiring.pio.read(0x700, 1), "power-on state");
        assertEquals(List.of("r1"), m.ids());
        assertEquals(List.of(), vcpus.holds);
    }

    @Test
    void anIsaDeviceWhoseSuccessorCannotBeBuiltAtAllStaysParkedAndIsDiscardedCleanly() throws Exception {
        RegisterFactory f = new RegisterFactory("isa-reg");
        m.plug("r1", f, Map.of());
        m.plug("other", f, Map.of("port", "0x701"));
        wiring.pio.write(0x700, 1, 66);
        assertTrue(m.park("r1", () -> { }));
        DeviceException e = assertThrows(DeviceException.class,
                () -> m.restore("r1", f, Map.of("port", "0x701")), "state refused, and the port for create() taken");
        assertTrue(e.getMessage().contains("0x701") || e.getMessage().contains("701"), e.getMessage());
        assertNull(wiring.pio.find(0x700));
        List<String> gone = new ArrayList<>();
        assertTrue(m.discardParked("r1", () -> gone.add("r1")));
        assertEquals(List.of("r1"), gone);
        assertEquals(List.of("other"), m.ids());
        m.plug("r1", f, Map.of()); // id and port free again
    }

    @Test
    void saveAllQuiescesEveryDeviceInPlugOrderAndRestoreAllPutsTheirStateBackInPlace() throws Exception {
        RegisterFactory f = new RegisterFactory("isa-reg");
        MachineDevicesTest.SwapFactory pci = new MachineDevicesTest.SwapFactory();
        m.plug("a", f, Map.of());
        m.plug("p", pci, Map.of());
        m.plug("b", f, Map.of("port", "0x701"));
        wiring.pio.write(0x700, 1, 7);
        wiring.pio.write(0x701, 1, 9);

        Map<String, StateRecord> saved = m.saveAll();
        assertEquals(List.of("a", "p", "b"), List.copyOf(saved.keySet()));
        assertEquals(List.of("quiesce", "quiesce"), f.calls);
        assertEquals(List.of("quiesce", "save"), pci.calls);
        StateRecord a = StateCodec.decode(StateCodec.encode(saved.get("a")));
        assertEquals("device", a.type());
        assertEquals("isa-reg", a.getString("type"));
        assertEquals(7, a.getRecord("state").getLong("value"));
        m.resumeAll();
        assertEquals(List.of("quiesce", "quiesce", "resume", "resume"), f.calls);

        wiring.pio.write(0x700, 1, 70);
        wiring.pio.write(0x701, 1, 90);
        int slot = pci.functions.get(0).slot();
        m.restoreAll(saved);
        assertEquals(7, wiring.pio.read(0x700, 1));
        assertEquals(9, wiring.pio.read(0x701, 1));
        assertEquals(List.of("a", "p", "b"), m.ids(), "the same devices, in the same order");
        assertEquals(2, pci.functions.size());
        assertSame(pci.functions.get(0), pci.functions.get(1), "the PCI device got its own function back");
        assertEquals(slot, pci.functions.get(1).slot());
        assertEquals(List.of(), vcpus.holds, "the caller pauses the vCPUs; no hot-swap hold is left");
    }

    @Test
    void theStatesAsOneRecordRoundTripThroughTheCodecAndRestore() throws Exception {
        RegisterFactory f = new RegisterFactory("isa-reg");
        m.plug("a", f, Map.of());
        m.plug("b", f, Map.of("port", "0x701"));
        wiring.pio.write(0x700, 1, 11);
        wiring.pio.write(0x701, 1, 12);
        StateRecord saved = StateCodec.decode(StateCodec.encode(m.saveState()));
        assertEquals("devices", saved.type());
        assertEquals(List.of("a", "b"), saved.getRecords("devices").stream().map(r -> {
            try {
                return r.getString("id");
            } catch (StateException e) {
                throw new AssertionError(e);
            }
        }).toList());
        m.resumeAll();
        wiring.pio.write(0x700, 1, 0);
        wiring.pio.write(0x701, 1, 0);
        m.restoreState(saved);
        assertEquals(11, wiring.pio.read(0x700, 1));
        assertEquals(12, wiring.pio.read(0x701, 1));
        StateException unknown = assertThrows(StateException.class,
                () -> m.restoreState(StateRecord.builder("devices", 2).build()));
        assertEquals("devices state version 2 is not readable here (versions 1 to 1)", unknown.getMessage());
    }

    @Test
    void aDeviceWithoutStateBlocksTheSaveNamingItAndNothingIsQuiesced() throws Exception {
        RegisterFactory f = new RegisterFactory("isa-reg");
        m.plug("a", f, Map.of());
        m.plug("t1", new MachineDevicesTest.TestFactory(), Map.of());
        DeviceException e = assertThrows(DeviceException.class, m::saveAll);
        assertEquals("State blocked by non-migratable device 't1' (test-pci)", e.getMessage());
        assertEquals(List.of(), f.calls);
    }

    @Test
    void restoreAllRefusesUnknownIdsMissingDevicesOtherTypesAndNewerRecordsBeforeChangingAnything()
            throws Exception {
        RegisterFactory f = new RegisterFactory("isa-reg");
        m.plug("a", f, Map.of());
        wiring.pio.write(0x700, 1, 5);
        Map<String, StateRecord> saved = m.saveAll();
        m.resumeAll();
        f.calls.clear();

        Map<String, StateRecord> extra = new LinkedHashMap<>(saved);
        extra.put("ghost", saved.get("a"));
        assertEquals("the saved state has device 'ghost', which this machine does not have",
                assertThrows(DeviceException.class, () -> m.restoreAll(extra)).getMessage());

        assertEquals("device 'a' (isa-reg) has no state in the saved state",
                assertThrows(DeviceException.class, () -> m.restoreAll(Map.of())).getMessage());

        StateRecord other = DeviceStates.wrap("a", "isa-other", saved.get("a").getRecord("state"));
        assertEquals("device 'a' is a isa-reg here, but its saved state is a isa-other's",
                assertThrows(DeviceException.class, () -> m.restoreAll(Map.of("a", other))).getMessage());

        StateRecord newer = StateRecord.builder("device", 2).put("type", "isa-reg")
                .put("state", saved.get("a").getRecord("state")).build();
        assertEquals("device 'a' (isa-reg): device state version 2 is not readable here (versions 1 to 1)",
                assertThrows(DeviceException.class, () -> m.restoreAll(Map.of("a", newer))).getMessage());

        StateRecord ofB = DeviceStates.wrap("b", "isa-reg", saved.get("a").getRecord("state"));
        assertEquals("device 'a' was given the saved state of device 'b'",
                assertThrows(DeviceException.class, () -> m.restoreAll(Map.of("a", ofB))).getMessage());

        assertEquals(List.of(), f.calls, "no device was touched");
        assertEquals(5, wiring.pio.read(0x700, 1));
    }

    @Test
    void aStateTheFactoryRefusesRollsEveryDeviceBackToWhatItHad() throws Exception {
        RegisterFactory f = new RegisterFactory("isa-reg");
        m.plug("a", f, Map.of());
        m.plug("b", f, Map.of("port", "0x701"));
        Map<String, StateRecord> bad = Map.of(
                "a", DeviceStates.wrap("a", "isa-reg", StateRecord.builder("register", 1).put("value", 1L).build()),
                "b", DeviceStates.wrap("b", "isa-reg", StateRecord.builder("register", 1).put("value", 66L).build()));
        wiring.pio.write(0x700, 1, 3);
        wiring.pio.write(0x701, 1, 4);
        DeviceException e = assertThrows(DeviceException.class, () -> m.restoreAll(bad));
        assertEquals("device 'b' (isa-reg): the saved state was refused: isa-reg: value 66 refused; the devices "
                + "are as they were", e.getMessage());
        assertEquals(3, wiring.pio.read(0x700, 1));
        assertEquals(4, wiring.pio.read(0x701, 1));
        assertEquals(List.of("a", "b"), m.ids());
        assertEquals("b", wiring.pio.find(0x701).owner());
    }
}

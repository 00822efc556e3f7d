package io.modvm.core.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.BusHandler;
import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.pci.PciBar;
import io.modvm.api.pci.PciCapability;
import io.modvm.api.pci.PciConfigWriter;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import io.modvm.api.state.StateRecord;
import io.modvm.core.pci.PciFunctionInfo;
import io.modvm.core.pci.PciRootBus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runtime plug and unplug on a machine that was never started (no accelerator is needed for the buses). */
class VmMachinePlugTest {
    private static final BusHandler SILENT = new BusHandler() {
        @Override
        public long read(long offset, int size) {
            return 0;
        }

        @Override
        public void write(long offset, int size, long value) {
        }
    };

    /** A device with one port and one PCI function; {@code fail=late} throws after claiming both. */
    static final class TestFactory implements DeviceFactory {
        int closed;

        @Override
        public String type() {
            return "test-pci";
        }

        @Override
        public String description() {
            return "test";
        }

        @Override
        public Device create(DeviceContext context, Map<String, String> properties) throws DeviceException {
            context.mapPio(Integer.decode(properties.getOrDefault("port", "0x600")), 1, SILENT);
            context.plugPci(new PciFunctionSpec(0x1af4, 0x1044, 1, 0x00ff00, 0x1af4, 0x1100,
                    List.of(new PciBar(0, 0x1000, false, SILENT)), List.of(), 0, 0, 0, null));
            if ("late".equals(properties.get("fail"))) {
                throw new DeviceException("fail=late: refused");
            }
            if ("bug".equals(properties.get("fail"))) {
                throw new IllegalStateException("a bug");
            }
            String id = context.deviceId();
            return new Device() {
                @Override
                public String id() {
                    return id;
                }

                @Override
                public void reset() {
                }

                @Override
                public void close() {
                    closed++;
                }
            };
        }
    }

    /**
     * A device whose state is its function's identity; {@code size} changes the BAR, for a refused take-over. Its
     * one capability's writes go to {@link #writer} as it is when the instance is built.
     */
    static final class SwapFactory implements DeviceFactory {
        final List<PciFunction> functions = new java.util.ArrayList<>();
        final List<String> calls = new java.util.ArrayList<>();
        PciConfigWriter writer;

        @Override
        public String type() {
            return "swap-pci";
        }

        @Override
        public String description() {
            return "swap";
        }

        @Override
        public Device create(DeviceContext context, Map<String, String> properties) throws DeviceException {
            PciFunction f = context.plugPci(new PciFunctionSpec(0x1af4, 0x1044, 1, 0x00ff00, 0x1af4, 0x1100,
                    List.of(new PciBar(0, Long.decode(properties.getOrDefault("size", "0x1000")), false, SILENT)),
                    List.of(new PciCapability(PciCapability.VENDOR_SPECIFIC, new byte[14])), 0, 0, 0, writer));
            functions.add(f);
            String id = context.deviceId();
            return new StatefulDevice() {
                @Override
                public String id() {
                    return id;
                }

                @Override
                public void reset() {
                }

                @Override
                public void close() {
                    calls.add("close");
                }

                @Override
                public void quiesce() {
                    calls.add("quiesce");
                }

                @Override
                public StateRecord saveState() {
                    calls.add("save");
                    return StateRecord.builder("swap", 1).put("slot", (long) f.slot()).build();
                }

                @Override
                public void resume() {
                    calls.add("resume");
                }
            };
        }

        @Override
        public Device restore(DeviceContext context, Map<String, String> properties, StateRecord state)
                throws DeviceException {
            calls.add("restore");
            return create(context, properties);
        }
    }

    @Test
    void aParkedDeviceKeepsItsSlotAndTheSuccessorGetsTheSameFunctionBack() throws Exception {
        VmMachine m = machine();
        SwapFactory f = new SwapFactory();
        m.plug("s1", f, Map.of());
        StateRecord state = m.park("s1");
        assertEquals(List.of("quiesce", "save", "close"), f.calls);
        assertEquals(List.of("", "s1"), pciIds(m), "the slot stays while the device is parked");
        assertEquals(List.of(), m.deviceIds());

        DeviceException refused = assertThrows(DeviceException.class,
                () -> m.restore("s1", f, Map.of("size", "0x2000"), state));
        assertTrue(refused.getMessage().contains("not the one the guest knows"), refused.getMessage());
        m.restore("s1", f, Map.of(), state);
        assertEquals(2, f.functions.size(), "the refused take-over got no function");
        assertTrue(f.functions.get(1) == f.functions.get(0), "the same function, slot and BARs");
        assertEquals(List.of("s1"), m.deviceIds());
        assertEquals(List.of("", "s1"), pciIds(m));
    }

    @Test
    void theSuccessorOfADeviceFencedInConfigurationSpaceStartsClean() throws Exception {
        VmMachine m = machine();
        SwapFactory f = new SwapFactory();
        List<String> seen = new java.util.ArrayList<>();
        f.writer = (offset, size, value) -> {
            seen.add("old " + value);
            throw new IllegalStateException("a bug");
        };
        m.plug("s1", f, Map.of());
        int slot = f.functions.get(0).slot();
        writeConfig(m, slot, 0x44, 1);
        writeConfig(m, slot, 0x44, 2);
        assertEquals(List.of("old 1"), seen, "fenced after the first failure, on the vCPU's own path");
        assertTrue(m.mmio.isFenced("s1#bar0"), "and its BARs with it");

        StateRecord state = m.park("s1");
        f.writer = (offset, size, value) -> seen.add("new " + value);
        m.restore("s1", f, Map.of(), state);
        assertFalse(m.mmio.isFenced("s1#bar0"));
        writeConfig(m, slot, 0x44, 3);
        assertEquals(List.of("old 1", "new 3"), seen);
    }

    @Test
    void theRangesOfAParkedFunctionAreNotHandedOut() throws Exception {
        VmMachine m = machine();
        SwapFactory f = new SwapFactory();
        m.plug("s1", f, Map.of());
        long assigned = barOf(m, "s1");
        writeConfig(m, f.functions.get(0).slot(), 0x10, (int) (assigned + 0x1000)); // the guest moves it up
        m.park("s1");

        m.plug("t1", new TestFactory(), Map.of());
        assertEquals(assigned + 0x2000, barOf(m, "t1"), "past where s1's BAR is and where a reset puts it back");
    }

    private static long barOf(VmMachine m, String id) {
        return m.pciFunctions().stream().filter(i -> i.qdevId().equals(id)).findFirst().orElseThrow().regions()
                .get(0).address();
    }

    private static void writeConfig(VmMachine m, int slot, int reg, int value) {
        m.pio.write(PciRootBus.CONFIG_ADDRESS_PORT, 4, 0x8000_0000L | slot << 11 | reg);
        m.pio.write(PciRootBus.CONFIG_DATA_PORT, 4, value);
    }

    @Test
    void aDiscardedParkedDeviceLeavesTheBusAndANonStatefulOneIsNotParked() throws Exception {
        VmMachine m = machine();
        SwapFactory f = new SwapFactory();
        m.plug("s1", f, Map.of());
        m.plug("t1", new TestFactory(), Map.of());
        assertEquals(null, m.park("t1"));
        m.park("s1");
        List<String> gone = new java.util.ArrayList<>();
        assertTrue(m.discardParked("s1", () -> gone.add("s1")));
        assertEquals(List.of("s1"), gone);
        assertEquals(List.of("", "t1"), pciIds(m));
        assertFalse(m.discardParked("s1", () -> gone.add("again")));
    }

    private static VmMachine machine() {
        MachineSpec spec = new MachineSpec("t", 64L << 20, 1, Path.of("/none"), null, "", true, List.of());
        return new VmMachine(spec, null, new DeviceCatalog() {
            @Override
            public DeviceFactory find(String type) {
                return null;
            }

            @Override
            public List<String> types() {
                return List.of();
            }
        }, line -> { }, MachineEvents.NONE);
    }

    private static List<String> pciIds(VmMachine m) {
        return m.pciFunctions().stream().map(PciFunctionInfo::qdevId).toList();
    }

    @Test
    void plugShowsInQueryPciAndUnplugReleasesEverything() throws Exception {
        VmMachine m = machine();
        TestFactory f = new TestFactory();
        m.plug("r1", f, Map.of());
        assertEquals(List.of("", "r1"), pciIds(m));
        assertEquals("r1", m.pio.find(0x600).owner());
        assertEquals(List.of("r1"), m.deviceIds());

        assertTrue(m.unplug("r1"));
        assertEquals(1, f.closed);
        assertEquals(List.of(""), pciIds(m));
        assertEquals(null, m.pio.find(0x600));
        assertFalse(m.unplug("r1"));

        m.plug("r1", f, Map.of()); // the port and the slot are free again
        assertEquals(List.of("", "r1"), pciIds(m));
    }

    @Test
    void aDuplicateIdOrAFailingFactoryLeavesTheOtherDevicesAlone() throws Exception {
        VmMachine m = machine();
        TestFactory f = new TestFactory();
        m.plug("a", f, Map.of());
        DeviceException dup = assertThrows(DeviceException.class, () -> m.plug("a", f, Map.of("port", "0x601")));
        assertEquals("Duplicate device ID 'a'", dup.getMessage());
        DeviceException late = assertThrows(DeviceException.class,
                () -> m.plug("b", f, Map.of("port", "0x602", "fail", "late")));
        assertEquals("fail=late: refused", late.getMessage());
        DeviceException bug = assertThrows(DeviceException.class,
                () -> m.plug("c", f, Map.of("port", "0x603", "fail", "bug")));
        assertTrue(bug.getMessage().contains("the device failed to start"), bug.getMessage());
        assertEquals(List.of("", "a"), pciIds(m));
        assertEquals(null, m.pio.find(0x602));
        assertEquals(null, m.pio.find(0x603));
        assertEquals("a", m.pio.find(0x600).owner());
        assertEquals(List.of("a"), m.deviceIds());
    }
}

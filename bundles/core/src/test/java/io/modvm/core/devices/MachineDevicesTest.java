package io.modvm.core.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.EventNotifier;
import io.modvm.api.device.BusHandler;
import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.IrqLine;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.machine.Machine;
import io.modvm.api.machine.PauseHold;
import io.modvm.api.machine.RunState;
import io.modvm.api.memory.GuestMemory;
import io.modvm.api.pci.PciBar;
import io.modvm.api.pci.PciCapability;
import io.modvm.api.pci.PciConfigWriter;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import io.modvm.api.state.StateRecord;
import io.modvm.core.acpi.LevelLine;
import io.modvm.core.acpi.PcPlatform;
import io.modvm.core.bus.IoBus;
import io.modvm.core.pci.PciFunctionInfo;
import io.modvm.core.pci.PciHost;
import io.modvm.core.pci.PciIntxRouting;
import io.modvm.core.pci.PciRootBus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Plug, unplug and hot-swap on the devices of a machine whose guest never started: real buses and a real PCI root
 * bus, no accelerator (the vCPUs' pause is a counted fake).
 */
class MachineDevicesTest {
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
    static class SwapFactory implements DeviceFactory {
        final List<PciFunction> functions = new ArrayList<>();
        final List<String> calls = new ArrayList<>();
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

    /** The machine's buses and PCI root bus, with no VM behind them. */
    static final class TestWiring implements DeviceWiring {
        final IoBus pio = new IoBus("port", 0x10000);
        final List<String> released = new CopyOnWriteArrayList<>();
        final DeviceBackends backends = new DeviceBackends() {
            @Override
            public <B> B take(String kind, String reference, Class<B> type, String deviceId, String deviceType)
                    throws DeviceException {
                throw new DeviceException("no backends in this test");
            }

            @Override
            public <B> B open(String kind, String type, Map<String, String> properties, Class<B> as,
                    String deviceId) throws DeviceException {
                throw new DeviceException("no backends in this test");
            }

            @Override
            public void release(String deviceId, boolean unplugged) {
                released.add(deviceId + (unplugged ? " unplugged" : " parked"));
            }

            @Override
            public void closeAll() {
            }
        };
        final IoBus mmio = new IoBus("MMIO", 1L << 52);
        final PciRootBus pci = new PciRootBus(new PciHost() {
            @Override
            public boolean mapMmio(long base, long length, String owner, BusHandler handler) {
                try {
                    mmio.claim(base, length, owner, handler);
                    return true;
                } catch (IllegalArgumentException e) {
                    return false;
                }
            }

            @Override
            public void unmapMmio(String owner) {
                mmio.releaseAll(owner);
            }

            @Override
            public void fenceMmio(String owner) {
                mmio.fence(owner);
            }

            @Override
            public EventNotifier createNotifier() throws AcceleratorException {
                throw new AcceleratorException("no accelerator in this test");
            }

            @Override
            public <T> T withVm(VmAction<T> action) {
                return null;
            }
        }, new PciIntxRouting() {
            @Override
            public int gsi(int slot, int pin) {
                return PcPlatform.pciIntxGsi(slot, pin);
            }

            @Override
            public LevelLine newSource(int slot, int pin) {
                return level -> { };
            }

            @Override
            public void release(LevelLine source) {
            }
        }, 0xC000_0000L, 0xFEC0_0000L);

        TestWiring() {
            pio.claimShared(PciRootBus.CONFIG_ADDRESS_PORT, 1, "pci", pci.addressPort());
            pio.claimShared(PciRootBus.CONFIG_DATA_PORT, 4, "pci", pci.dataPort());
        }

        @Override
        public IoBus pio() {
            return pio;
        }

        @Override
        public IoBus mmio() {
            return mmio;
        }

        @Override
        public String mmioConflict(long base, long length) {
            return null;
        }

        @Override
        public PciRootBus pci() {
            return pci;
        }

        @Override
        public IrqLine irqLine(int gsi) throws DeviceException {
            throw new DeviceException("no interrupt lines in this test");
        }

        @Override
        public GuestMemory memory() {
            return null;
        }

        @Override
        public long ramSize() {
            return 64L << 20;
        }

        @Override
        public DeviceBackends backends() {
            return backends;
        }

        @Override
        public void requestReset() {
        }

        @Override
        public void requestPowerOff() {
        }

        @Override
        public void requestExit(int status) {
        }

        @Override
        public boolean guestStarted() {
            return false;
        }
    }

    /** The vCPUs' pause gate, counted. */
    static final class PauseCounter implements Machine {
        final List<String> holds = new CopyOnWriteArrayList<>(); // the swap timer releases too

        @Override
        public String name() {
            return "t";
        }

        @Override
        public RunState state() {
            return holds.isEmpty() ? RunState.RUNNING : RunState.PAUSED;
        }

        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }

        @Override
        public PauseHold hold(String reason, long maxWaitMillis) {
            holds.add(reason);
            return () -> holds.remove(reason);
        }

        @Override
        public boolean powerDown() {
            return false;
        }

        @Override
        public void reset() {
        }

        @Override
        public void quit(int status) {
        }
    }

    private final TestWiring wiring = new TestWiring();
    private final PauseCounter vcpus = new PauseCounter();

    @Test
    void aParkedDeviceKeepsItsSlotAndTheSuccessorGetsTheSameFunctionBack() throws Exception {
        MachineDevices m = devices(60_000);
        SwapFactory f = new SwapFactory();
        m.plug("s1", f, Map.of());
        assertTrue(m.park("s1", () -> { }));
        assertEquals(List.of("quiesce", "save", "close"), f.calls);
        assertEquals(List.of("s1 parked"), wiring.released, "its backends wait for the successor");
        assertEquals(chipsetAnd("s1"), pciIds(), "the slot stays while the device is parked");
        assertEquals(List.of(), m.ids());
        assertEquals(List.of("hot-swap of s1"), vcpus.holds, "the vCPUs stay paused while it is parked");

        DeviceException refused = assertThrows(DeviceException.class,
                () -> m.restore("s1", f, Map.of("size", "0x2000")));
        assertTrue(refused.getMessage().contains("not the one the guest knows"), refused.getMessage());
        assertEquals(1, vcpus.holds.size(), "still parked, still paused");
        m.restore("s1", f, Map.of());
        assertEquals(2, f.functions.size(), "the refused take-over got no function");
        assertTrue(f.functions.get(1) == f.functions.get(0), "the same function, slot and BARs");
        assertEquals(List.of("s1"), m.ids());
        assertEquals(chipsetAnd("s1"), pciIds());
        assertEquals(List.of(), vcpus.holds, "the vCPUs go on");
    }

    @Test
    void aParkedDeviceWithoutASuccessorTimesOutAndTheVcpusGoOnOnceItIsDiscarded() throws Exception {
        MachineDevices m = devices(50);
        SwapFactory f = new SwapFactory();
        m.plug("s1", f, Map.of());
        List<String> seen = new CopyOnWriteArrayList<>();
        assertTrue(m.park("s1", () -> seen.add("timed out")));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (seen.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of("timed out"), seen);
        assertEquals(1, vcpus.holds.size(), "the timeout decides nothing by itself: the manager discards");
        assertTrue(m.discardParked("s1", () -> seen.add("gone")));
        assertEquals(List.of("timed out", "gone"), seen);
        assertEquals(List.of(), vcpus.holds);
        assertEquals(chipsetAnd(), pciIds());
    }

    @Test
    void theSuccessorOfADeviceFencedInConfigurationSpaceStartsClean() throws Exception {
        MachineDevices m = devices(60_000);
        SwapFactory f = new SwapFactory();
        List<String> seen = new ArrayList<>();
        f.writer = (offset, size, value) -> {
            seen.add("old " + value);
            throw new IllegalStateException("a bug");
        };
        m.plug("s1", f, Map.of());
        int slot = f.functions.get(0).slot();
        writeConfig(slot, 0x44, 1);
        writeConfig(slot, 0x44, 2);
        assertEquals(List.of("old 1"), seen, "fenced after the first failure, on the vCPU's own path");
        assertTrue(wiring.mmio.isFenced("s1#bar0"), "and its BARs with it");

        assertTrue(m.park("s1", () -> { }));
        f.writer = (offset, size, value) -> seen.add("new " + value);
        m.restore("s1", f, Map.of());
        assertFalse(wiring.mmio.isFenced("s1#bar0"));
        writeConfig(slot, 0x44, 3);
        assertEquals(List.of("old 1", "new 3"), seen);
    }

    @Test
    void theRangesOfAParkedFunctionAreNotHandedOut() throws Exception {
        MachineDevices m = devices(60_000);
        SwapFactory f = new SwapFactory();
        m.plug("s1", f, Map.of());
        long assigned = barOf("s1");
        writeConfig(f.functions.get(0).slot(), 0x10, (int) (assigned + 0x1000)); // the guest moves it up
        assertTrue(m.park("s1", () -> { }));

        m.plug("t1", new TestFactory(), Map.of());
        assertEquals(assigned + 0x2000, barOf("t1"), "past where s1's BAR is and where a reset puts it back");
    }

    private long barOf(String id) {
        return wiring.pci.describe().stream().filter(i -> i.qdevId().equals(id)).findFirst().orElseThrow()
                .regions().get(0).address();
    }

    private void writeConfig(int slot, int reg, int value) {
        wiring.pio.write(PciRootBus.CONFIG_ADDRESS_PORT, 4, 0x8000_0000L | slot << 11 | reg);
        wiring.pio.write(PciRootBus.CONFIG_DATA_PORT, 4, value);
    }

    @Test
    void aDiscardedParkedDeviceLeavesTheBus() throws Exception {
        MachineDevices m = devices(60_000);
        SwapFactory f = new SwapFactory();
        m.plug("s1", f, Map.of());
        m.plug("t1", new TestFactory(), Map.of());
        assertFalse(m.park("nobody", () -> { }));
        assertEquals(List.of(), vcpus.holds, "nothing paused for a device that is not there");
        assertTrue(m.park("s1", () -> { }));
        List<String> gone = new ArrayList<>();
        assertTrue(m.discardParked("s1", () -> gone.add("s1")));
        assertEquals(List.of("s1"), gone);
        assertEquals(chipsetAnd("t1"), pciIds());
        assertFalse(m.discardParked("s1", () -> gone.add("again")));
        assertEquals(List.of(), vcpus.holds);
    }

    @Test
    void aDeviceThatIsNotStatefulIsParkedAndRebuiltWithCreateInTheSameSlotAndPorts() throws Exception {
        MachineDevices m = devices(60_000);
        TestFactory f = new TestFactory();
        m.plug("t1", f, Map.of());
        List<String> before = pciIds();
        assertTrue(m.park("t1", () -> { }));
        assertEquals(1, f.closed, "the old instance is closed");
        assertEquals(null, wiring.pio.find(0x600), "its port is given back while it is parked");
        assertEquals(before, pciIds(), "its slot stays");
        assertEquals(List.of("hot-swap of t1"), vcpus.holds);

        assertFalse(m.restore("t1", f, Map.of()), "no state to keep");
        assertEquals("t1", wiring.pio.find(0x600).owner(), "the new instance has the port again");
        assertEquals(before, pciIds());
        assertEquals(List.of("t1"), m.ids());
        assertEquals(List.of(), vcpus.holds, "the vCPUs go on");
    }

    @Test
    void aStateTheNewFactoryRefusesFallsBackToCreateAndAStateItTakesIsKept() throws Exception {
        MachineDevices m = devices(60_000);
        SwapFactory f = new SwapFactory();
        m.plug("s1", f, Map.of());
        assertTrue(m.park("s1", () -> { }));
        SwapFactory refusing = new SwapFactory() {
            @Override
            public Device restore(DeviceContext context, Map<String, String> properties, StateRecord state)
                    throws DeviceException {
                calls.add("refuse");
                throw new DeviceException("swap-pci: state version 9 is not known");
            }
        };
        assertFalse(m.restore("s1", refusing, Map.of()), "rebuilt without its state");
        assertEquals(List.of("refuse"), refusing.calls);
        assertTrue(refusing.functions.get(0) == f.functions.get(0), "in the function the guest knows");

        assertTrue(m.park("s1", () -> { }));
        assertTrue(m.restore("s1", f, Map.of()), "this one takes the state");
        assertEquals(List.of("quiesce", "save", "close", "restore"), f.calls);
    }

    private MachineDevices devices(long swapTimeoutMillis) {
        return new MachineDevices(wiring, vcpus, swapTimeoutMillis);
    }

    private List<String> pciIds() {
        return wiring.pci.describe().stream().map(PciFunctionInfo::qdevId).toList();
    }

    /** The chipset's functions (00:00.0 i440FX, 00:01.0 PIIX3, 00:01.3 PIIX4) have no device id; then {@code ids}. */
    private static List<String> chipsetAnd(String... ids) {
        List<String> all = new java.util.ArrayList<>(List.of("", "", ""));
        all.addAll(List.of(ids));
        return all;
    }

    @Test
    void plugShowsInQueryPciAndUnplugReleasesEverything() throws Exception {
        MachineDevices m = devices(60_000);
        TestFactory f = new TestFactory();
        m.plug("r1", f, Map.of());
        assertEquals(chipsetAnd("r1"), pciIds());
        assertEquals("r1", wiring.pio.find(0x600).owner());
        assertEquals(List.of("r1"), m.ids());

        List<String> gone = new ArrayList<>();
        assertTrue(m.unplug("r1", () -> gone.add("r1")), "a guest that never started need not be asked");
        assertEquals(List.of("r1"), gone);
        assertEquals(1, f.closed);
        assertEquals(List.of("r1 unplugged"), wiring.released);
        assertEquals(chipsetAnd(), pciIds());
        assertEquals(null, wiring.pio.find(0x600));
        assertFalse(m.unplugNow("r1", () -> gone.add("again")));

        m.plug("r1", f, Map.of()); // the port and the slot are free again
        assertEquals(chipsetAnd("r1"), pciIds());
    }

    @Test
    void aDuplicateIdOrAFailingFactoryLeavesTheOtherDevicesAlone() throws Exception {
        MachineDevices m = devices(60_000);
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
        assertEquals(chipsetAnd("a"), pciIds());
        assertEquals(null, wiring.pio.find(0x602));
        assertEquals(null, wiring.pio.find(0x603));
        assertEquals("a", wiring.pio.find(0x600).owner());
        assertEquals(List.of("a"), m.ids());
    }
}

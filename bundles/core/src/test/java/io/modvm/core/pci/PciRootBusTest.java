package io.modvm.core.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.EventNotifier;
import io.modvm.api.device.BusHandler;
import io.modvm.api.device.DeviceException;
import io.modvm.api.pci.PciBar;
import io.modvm.api.pci.PciCapability;
import io.modvm.api.pci.PciConfigWriter;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import io.modvm.core.acpi.LevelLine;
import io.modvm.core.acpi.PcPlatform;
import io.modvm.core.acpi.SharedLevelLine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PciRootBusTest {
    /** Records MMIO claims; no VM, so MSI-X delivery and ioeventfds stay in user space. */
    static class RecordingHost implements PciHost {
        final Map<String, long[]> mapped = new HashMap<>();
        final Map<String, BusHandler> handlers = new HashMap<>();
        final List<Runnable> signals = new ArrayList<>();
        final List<String> fenced = new ArrayList<>();
        boolean refuse;

        @Override
        public boolean mapMmio(long base, long length, String owner, BusHandler handler) {
            if (refuse) {
                return false;
            }
            mapped.put(owner, new long[] {base, length});
            handlers.put(owner, handler);
            return true;
        }

        @Override
        public void unmapMmio(String owner) {
            mapped.remove(owner);
        }

        @Override
        public void fenceMmio(String owner) {
            fenced.add(owner);
        }

        @Override
        public EventNotifier createNotifier() {
            return new CountingNotifier();
        }

        @Override
        public <T> T withVm(VmAction<T> action) throws AcceleratorException {
            return null;
        }
    }

    /**
     * The platform's wiring of INTx pins (GSI 16 + the swizzle), each line a wired OR of its sources, recording the
     * level each line was last set to.
     */
    static final class RecordingIntx implements PciIntxRouting {
        final Map<Integer, Boolean> levels = new HashMap<>();
        private final Map<Integer, SharedLevelLine> lines = new HashMap<>();

        @Override
        public int gsi(int slot, int pin) {
            return PcPlatform.pciIntxGsi(slot, pin);
        }

        @Override
        public synchronized LevelLine newSource(int slot, int pin) {
            int gsi = gsi(slot, pin);
            return lines.computeIfAbsent(gsi, g -> new SharedLevelLine(level -> {
                synchronized (this) {
                    levels.put(g, level);
                }
            })).newSource();
        }

        @Override
        public synchronized void release(LevelLine source) {
            lines.values().forEach(l -> l.release(source));
        }

        synchronized boolean level(int gsi) {
            return levels.getOrDefault(gsi, false);
        }
    }

    static final class CountingNotifier implements EventNotifier {
        long count;

        @Override
        public synchronized void signal() {
            count++;
        }

        @Override
        public synchronized long await(long timeoutMillis) {
            long c = count;
            count = 0;
            return c;
        }

        @Override
        public void close() {
        }
    }

    static final BusHandler SILENT = new BusHandler() {
        @Override
        public long read(long offset, int size) {
            return 0x1234;
        }

        @Override
        public void write(long offset, int size, long value) {
        }
    };

    private final RecordingHost host = new RecordingHost();
    private final RecordingIntx intx = new RecordingIntx();
    private final PciRootBus bus = new PciRootBus(host, intx, 0xC000_0000L, 0xFEC0_0000L);

    private int config(int slot, int reg, int size) {
        bus.addressPort().write(0, 4, 0x8000_0000L | slot << 11 | (reg & 0xFC));
        return (int) bus.dataPort().read(reg & 3, size);
    }

    private int configFn(int slot, int function, int reg, int size) {
        bus.addressPort().write(0, 4, 0x8000_0000L | slot << 11 | function << 8 | (reg & 0xFC));
        return (int) bus.dataPort().read(reg & 3, size);
    }

    private void setConfigFn(int slot, int function, int reg, int size, int value) {
        bus.addressPort().write(0, 4, 0x8000_0000L | slot << 11 | function << 8 | (reg & 0xFC));
        bus.dataPort().write(reg & 3, size, value);
    }

    private void setConfig(int slot, int reg, int size, int value) {
        bus.addressPort().write(0, 4, 0x8000_0000L | slot << 11 | (reg & 0xFC));
        bus.dataPort().write(reg & 3, size, value);
    }

    private static PciFunctionSpec spec(int msixVectors) {
        return spec(msixVectors, null);
    }

    private static PciFunctionSpec spec(int msixVectors, PciConfigWriter writer) {
        return new PciFunctionSpec(0x1af4, 0x1044, 1, 0x00ff00, 0x1af4, 0x1100,
                List.of(new PciBar(0, 0x8000, false, SILENT)),
                List.of(new PciCapability(PciCapability.VENDOR_SPECIFIC, new byte[] {16, 1, 0, 0, 0, 0, 0, 0, 0, 0,
                    0x38, 0, 0, 0})), msixVectors, 0, 0x4000, writer);
    }

    /** Records the writes it sees as {@code name offset/size=value}; throws on those to {@code failAt}. */
    private static PciConfigWriter writer(List<String> seen, String name, int failAt) {
        return (offset, size, value) -> {
            seen.add(name + " " + Integer.toHexString(offset) + "/" + size + "=" + Integer.toHexString(value));
            if (offset == failAt) {
                throw new IllegalStateException("bug in " + name);
            }
        };
    }

    @Test
    void aFunctionWhoseConfigWriterThrowsIsFencedButTheGuestCanStillFindAndDisableIt() throws DeviceException {
        List<String> seen = new ArrayList<>();
        PciFunction bad = bus.plug("bad", spec(2, writer(seen, "bad", 0x44)));
        PciFunction good = bus.plug("good", spec(0, writer(seen, "good", -1)));
        int slot = bad.slot();
        assertEquals(0x0110, config(slot, 0x42, 2), "the capability body as the device defined it");
        setConfig(slot, 0x48, 4, 0x11);

        setConfig(slot, 0x44, 4, 0x22); // throws inside the device; nothing reaches the caller
        assertEquals(List.of("bad 48/4=11", "bad 44/4=22"), seen);
        assertEquals(List.of("bad"), host.fenced, "its BARs are fenced on the MMIO bus");
        seen.clear();
        setConfig(slot, 0x48, 4, 0x33);
        setConfig(slot, 0x44, 1, 0x44);
        assertEquals(List.of(), seen, "the fenced device is not called again");
        assertEquals(0xFFFF, config(slot, 0x42, 2), "its own registers read all ones");
        assertEquals(0xFFFF_FFFF, config(slot, 0x44, 4));
        assertEquals(0xFF, config(slot, 0xF0, 1));

        assertEquals(0x10441af4, config(slot, 0, 4), "the header still identifies it");
        assertEquals(PciCapability.VENDOR_SPECIFIC, config(slot, 0x40, 1), "the capability list stays intact");
        int msix = config(slot, 0x41, 1);
        assertEquals(0x11, config(slot, msix, 1));
        setConfig(slot, msix + 2, 2, 0x8000);
        assertTrue(bad.msixEnabled(), "MSI-X is served by the core");
        setConfig(slot, msix + 2, 2, 0);
        assertFalse(bad.msixEnabled());
        setConfig(slot, 0x04, 2, PciDeviceFunction.COMMAND_MEMORY);
        assertTrue(host.mapped.containsKey("bad#bar0"), "decoding follows the command register");
        setConfig(slot, 0x04, 2, 0);

        setConfig(good.slot(), 0x44, 4, 0x55);
        assertEquals(List.of("good 44/4=55"), seen, "the other functions go on");
        assertEquals(0x0110, config(good.slot(), 0x42, 2));
        assertEquals(List.of("bad"), host.fenced);

        bus.unplug("bad");
        seen.clear();
        PciFunction next = bus.plug("next", spec(2, writer(seen, "next", -1)));
        assertEquals(slot, next.slot(), "the freed slot is reused");
        assertEquals(0x0110, config(slot, 0x42, 2), "a new device in the slot starts unfenced");
        setConfig(slot, 0x44, 4, 0x66);
        assertEquals(List.of("next 44/4=66"), seen);
    }

    @Test
    void aFenceIsLiftedForTheSuccessorOfAParkedDevice() throws DeviceException {
        List<String> seen = new ArrayList<>();
        boolean[] broken = {true};
        PciFunction f = bus.plug("swap", spec(0, (offset, size, value) -> {
            seen.add(Integer.toHexString(offset));
            if (broken[0]) {
                throw new LinkageError("old classes");
            }
        }));
        setConfig(f.slot(), 0x44, 4, 1);
        setConfig(f.slot(), 0x48, 4, 1);
        assertEquals(List.of("44"), seen);
        bus.liftFences("other");
        assertEquals(0xFF, config(f.slot(), 0x44, 1), "another device's hot-swap lifts nothing here");

        broken[0] = false; // what a take-over does: the same function, a new device behind it
        bus.liftFences("swap");
        assertEquals(0, config(f.slot(), 0x44, 1));
        setConfig(f.slot(), 0x48, 4, 1);
        assertEquals(List.of("44", "48"), seen);
    }

    @Test
    void hostBridgeAndEmptySlots() {
        assertEquals(0x12378086, config(0, 0, 4), "QEMU pc's i440FX");
        assertEquals(0x06, config(0, 0x0B, 1));
        assertEquals(0x11001af4, config(0, 0x2C, 4), "QEMU's subsystem, which SeaBIOS looks for");
        assertEquals(0xFFFF_FFFF, config(5, 0, 4), "an empty slot reads all ones");
        bus.addressPort().write(0, 4, 0x0000_0000L);
        assertEquals(-1L, bus.dataPort().read(0, 4) | 0xFFFF_FFFF_0000_0000L, "disabled latch");
    }

    @Test
    void chipsetFunctionsSitWhereQemuPcHasThem() {
        assertEquals(0x70008086, config(1, 0, 4), "00:01.0 PIIX3 ISA bridge");
        assertEquals(0x80, config(1, 0x0E, 1), "multi-function");
        assertEquals(0x060100, config(1, 0x08, 4) >>> 8);
        assertEquals(0xFFFF_FFFF, configFn(1, 1, 0, 4), "00:01.1 is kept for the IDE controller");
        assertEquals(0x71138086, configFn(1, 3, 0, 4), "00:01.3 PIIX4 power management");
        assertEquals(0xFFFF_FFFF, configFn(2, 1, 0, 4), "devices have function 0 only");
        assertEquals(0x80808080, config(1, 0x60, 4), "PIRQ routes disabled at reset");
        setConfig(1, 0x60, 4, 0x0b0b0a0a);
        assertEquals(0x0b0b0a0a, config(1, 0x60, 4), "SeaBIOS's routes read back");
        setConfigFn(1, 3, 0x40, 4, 0x600);
        assertEquals(0x601, configFn(1, 3, 0x40, 4), "PM base: an I/O address");
        assertEquals(0x02, configFn(1, 3, 0x5B, 1) & 0x02, "APMC enabled: no SMM setup to wait for");
        bus.reset();
        assertEquals(0x80808080, config(1, 0x60, 4));
        assertEquals(0x1, configFn(1, 3, 0x40, 4));
    }

    @Test
    void hostBridgeKeepsPamAndSmramUntilReset() {
        setConfig(0, 0x58, 4, 0x0000_30FF);
        setConfig(0, 0x5C, 4, 0x3333_3333);
        setConfig(0, 0x72, 1, 0x4A);
        setConfig(0, 0x00, 4, 0);
        assertEquals(0x30, config(0, 0x59, 1));
        assertEquals(0x3333_3333, config(0, 0x5C, 4));
        assertEquals(0x00, config(0, 0x58, 1), "0x58 is not a PAM register");
        assertEquals(0x4A, config(0, 0x72, 1));
        assertEquals(0x12378086, config(0, 0, 4), "identity is read-only");
        bus.reset();
        assertEquals(0, config(0, 0x59, 1));
        assertEquals(0x02, config(0, 0x72, 1));
    }

    @Test
    void functionIdentityCapabilitiesAndBarSizing() throws DeviceException {
        PciFunction f = bus.plug("rng0", spec(2));
        int slot = f.slot();
        assertEquals(2, slot, "the first slot after the chipset's");
        assertEquals(0x10441af4, config(slot, 0, 4));
        assertEquals(0x10, config(slot, 0x06, 2) & 0x10, "capability list bit");
        int cap = config(slot, 0x34, 1);
        assertEquals(0x40, cap);
        assertEquals(PciCapability.VENDOR_SPECIFIC, config(slot, cap, 1));
        int next = config(slot, cap + 1, 1);
        assertEquals(0x11, config(slot, next, 1), "MSI-X capability follows");
        assertEquals(1, config(slot, next + 2, 2) & 0x7FF, "table size is N-1");
        assertEquals(0x4000, config(slot, next + 4, 4), "table in BAR 0 at 0x4000");
        assertEquals(0x4000 + 32, config(slot, next + 8, 4), "PBA after two entries");

        assertEquals(0xC000_0000, config(slot, 0x10, 4), "BAR assigned in the hole");
        setConfig(slot, 0x10, 4, 0xFFFF_FFFF);
        assertEquals(~(0x8000 - 1), config(slot, 0x10, 4), "sizing reads back the size mask");
        setConfig(slot, 0x10, 4, 0xD000_0000);
        assertEquals(0xD000_0000, config(slot, 0x10, 4));
        assertTrue(host.mapped.isEmpty(), "no decode yet");
        setConfig(slot, 0x04, 2, PciDeviceFunction.COMMAND_MEMORY | PciDeviceFunction.COMMAND_BUS_MASTER);
        assertEquals(0xD000_0000L, host.mapped.get("rng0#bar0")[0]);
        assertTrue(f.busMaster());
        setConfig(slot, 0x10, 4, 0xD100_0000);
        assertEquals(0xD100_0000L, host.mapped.get("rng0#bar0")[0], "moving a decoded BAR remaps it");
        setConfig(slot, 0x04, 2, 0);
        assertTrue(host.mapped.isEmpty());
    }

    @Test
    void barOverRamOrAnotherDeviceStaysUnmapped() throws DeviceException {
        PciFunction f = bus.plug("a", spec(0));
        host.refuse = true;
        setConfig(f.slot(), 0x04, 2, PciDeviceFunction.COMMAND_MEMORY);
        assertTrue(host.mapped.isEmpty());
    }

    @Test
    void msixMaskingKeepsPendingUntilUnmasked() throws DeviceException {
        PciFunction f = bus.plug("m", spec(2));
        assertFalse(f.signalMsix(0), "MSI-X off: dropped");
        int msix = config(f.slot(), config(f.slot(), 0x41, 1), 1) == 0x11 ? config(f.slot(), 0x41, 1) : -1;
        setConfig(f.slot(), msix + 2, 2, 0x8000);
        assertTrue(f.msixEnabled());
        assertTrue(f.signalMsix(1), "masked vector: pending");
        setConfig(f.slot(), 0x04, 2, PciDeviceFunction.COMMAND_MEMORY);
        BusHandler bar = host.handlers.get("m#bar0");
        assertEquals(0, bar.read(0x4000 + 32, 8) & 1, "vector 0 not pending");
        assertEquals(2, bar.read(0x4000 + 32, 8) & 2, "vector 1 pending");
        assertEquals(1, bar.read(0x4000 + 16 + 12, 4), "vector 1 masked at power-on");
        assertEquals(0x1234, bar.read(0x100, 4), "outside the table the device answers");
        bar.write(0x4000 + 16 + 12, 4, 0);
        assertEquals(0, bar.read(0x4000 + 32, 8) & 2, "unmasking delivers the pending vector");
        assertFalse(f.signalMsix(7), "no such vector");
    }

    @Test
    void busFullAndWindowFull() throws DeviceException {
        for (int i = PciRootBus.FIRST_DEVICE_SLOT; i < PciRootBus.SLOTS; i++) {
            bus.plug("d" + i, spec(0));
        }
        assertThrows(DeviceException.class, () -> bus.plug("one-too-many", spec(0)));
        bus.unplug("d3");
        assertEquals(3, bus.plug("again", spec(0)).slot(), "a freed slot is reused");
    }

    @Test
    void ioEventOutsideBarIsRefusedAndFallbackSignals() throws DeviceException {
        PciFunction f = bus.plug("n", spec(0));
        assertThrows(DeviceException.class, () -> f.ioEvent(0, 0x8000, 2, OptionalLong.empty()));
        assertThrows(DeviceException.class, () -> f.ioEvent(3, 0, 2, OptionalLong.empty()));
        EventNotifier n = f.ioEvent(0, 0x3000, 2, OptionalLong.empty());
        assertEquals(0, n.await(0));
        setConfig(f.slot(), 0x04, 2, PciDeviceFunction.COMMAND_MEMORY);
        host.handlers.get("n#bar0").write(0x3000, 2, 0);
        assertEquals(1, n.await(0), "a notify write that exits to the VMM still signals");
    }

    private static PciFunctionSpec intxSpec(int pin) {
        return new PciFunctionSpec(0x8086, 0x100e, 3, 0x020000, 0x1af4, 0x1100,
                List.of(new PciBar(0, 0x20000, false, SILENT)), List.of(), 0, 0, 0, null, pin);
    }

    @Test
    void aFunctionWithAnInterruptPinIsWiredToTheSwizzledGsi() throws DeviceException {
        PciFunction none = bus.plug("none", spec(0));
        PciFunction nic = bus.plug("nic", intxSpec(PciFunctionSpec.INTA));
        assertEquals(0, config(none.slot(), 0x3D, 1), "no pin");
        assertEquals(0, config(none.slot(), 0x3C, 1), "no line");
        assertEquals(1, config(nic.slot(), 0x3D, 1), "INTA#");
        int gsi = PcPlatform.pciIntxGsi(nic.slot(), 1);
        assertEquals(16 + ((nic.slot() + 0) & 3), gsi);
        assertEquals(gsi, config(nic.slot(), 0x3C, 1), "the line register holds the GSI, as firmware leaves it");
        assertEquals(gsi | 1 << 8, config(nic.slot(), 0x3C, 2));

        nic.setIntx(true);
        assertTrue(intx.level(gsi));
        assertEquals(PciDeviceFunction.STATUS_INTERRUPT, config(nic.slot(), 0x06, 2) & PciDeviceFunction.STATUS_INTERRUPT);
        nic.setIntx(false);
        assertFalse(intx.level(gsi));
        assertEquals(0, config(nic.slot(), 0x06, 2) & PciDeviceFunction.STATUS_INTERRUPT);
        none.setIntx(true);
        assertEquals(0, config(none.slot(), 0x06, 2) & PciDeviceFunction.STATUS_INTERRUPT, "no pin, nothing to set");
        assertThrows(IllegalArgumentException.class, () -> intxSpec(5));
    }

    @Test
    void interruptDisableHoldsTheLineLowButTheStatusStillShowsTheInterrupt() throws DeviceException {
        PciFunction nic = bus.plug("nic", intxSpec(PciFunctionSpec.INTA));
        int gsi = config(nic.slot(), 0x3C, 1);
        setConfig(nic.slot(), 0x04, 2, PciDeviceFunction.COMMAND_INTX_DISABLE);
        nic.setIntx(true);
        assertFalse(intx.level(gsi), "disabled");
        assertEquals(PciDeviceFunction.STATUS_INTERRUPT, config(nic.slot(), 0x06, 2) & PciDeviceFunction.STATUS_INTERRUPT);
        setConfig(nic.slot(), 0x04, 2, PciDeviceFunction.COMMAND_MEMORY);
        assertTrue(intx.level(gsi), "enabled again: the pending interrupt reaches the line");
        setConfig(nic.slot(), 0x3C, 1, 0x0B);
        assertEquals(0x0B, config(nic.slot(), 0x3C, 1), "the line register is the guest's to write");
        bus.reset();
        assertFalse(intx.level(gsi), "a reset deasserts");
        assertEquals(gsi, config(nic.slot(), 0x3C, 1), "and puts the wired line back");
    }

    @Test
    void functionsSharingALineDoNotLowerEachOther() throws DeviceException {
        List<PciFunction> nics = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            nics.add(bus.plug("nic" + i, intxSpec(PciFunctionSpec.INTA)));
        }
        PciFunction a = nics.get(0);
        PciFunction b = nics.get(4);
        int gsi = PcPlatform.pciIntxGsi(a.slot(), 1);
        assertEquals(gsi, PcPlatform.pciIntxGsi(b.slot(), 1), "four slots apart: the same line");
        assertTrue(PcPlatform.pciIntxGsi(nics.get(1).slot(), 1) != gsi, "the neighbour has another line");
        a.setIntx(true);
        b.setIntx(true);
        a.setIntx(false);
        assertTrue(intx.level(gsi), "b still holds it");
        bus.unplug("nic4");
        assertFalse(intx.level(gsi), "b went away while asserted: its source is released");
    }
}

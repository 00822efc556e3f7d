package io.modvm.core.pci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.pci.PciBar;
import io.modvm.api.pci.PciCapability;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import io.modvm.api.state.StateCodec;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.core.acpi.AcpiGpe;
import io.modvm.core.acpi.PcPlatform;
import io.modvm.core.pci.hotplug.PciHotplug;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PCI bus saved from one machine and restored into a fresh one with the same devices: configuration space,
 * BAR windows, MSI-X table and pending bits, INTx levels, hotplug registers and the configuration address read
 * back the same.
 */
class PciBusStateTest {
    private static final long MOVED_BAR = 0xD000_0000L;

    /** One machine's bus and what it sees. */
    private static final class Machine {
        final PciRootBusTest.RecordingHost host = new PciRootBusTest.RecordingHost();
        final PciRootBusTest.RecordingIntx intx = new PciRootBusTest.RecordingIntx();
        final PciRootBus bus = new PciRootBus(host, intx, 0xC000_0000L, 0xFEC0_0000L);
        final List<Boolean> sci = new ArrayList<>();
        final AcpiGpe gpe = new AcpiGpe(sci::add);
        final PciFunction net;
        final PciFunction nic;

        Machine(String first, String second) throws Exception {
            bus.hotplug().connect(gpe);
            PciFunction a = bus.plug(first, spec(first));
            PciFunction b = bus.plug(second, spec(second));
            net = first.equals("net0") ? a : b;
            nic = first.equals("net0") ? b : a;
        }

        int config(int slot, int reg) {
            bus.addressPort().write(0, 4, 0x8000_0000L | slot << 11 | reg);
            return (int) bus.dataPort().read(0, 4);
        }

        void setConfig(int slot, int reg, int size, int value) {
            bus.addressPort().write(0, 4, 0x8000_0000L | slot << 11 | (reg & 0xFC));
            bus.dataPort().write(reg & 3, size, value);
        }

        /** Configuration space of {@code slot} as the guest reads it, dword by dword. */
        int[] configSpace(int slot) {
            int[] out = new int[64];
            for (int i = 0; i < 64; i++) {
                out[i] = config(slot, i * 4);
            }
            return out;
        }

        long[] msix() {
            long[] out = new long[4 * 2 + 1];
            for (int i = 0; i < out.length; i++) {
                out[i] = host.handlers.get("net0#bar0").read(0x4000 + i * 8L, 8);
            }
            return out;
        }
    }

    private static PciFunctionSpec spec(String id) {
        if (id.equals("net0")) {
            return new PciFunctionSpec(0x1af4, 0x1041, 1, 0x020000, 0x1af4, 0x1100,
                    List.of(new PciBar(0, 0x8000, false, PciRootBusTest.SILENT)),
                    List.of(new PciCapability(PciCapability.VENDOR_SPECIFIC, new byte[14])), 4, 0, 0x4000, null);
        }
        return new PciFunctionSpec(0x8086, 0x100e, 3, 0x020000, 0x1af4, 0x1100,
                List.of(new PciBar(0, 0x20000, false, PciRootBusTest.SILENT)), List.of(), 0, 0, 0, null,
                PciFunctionSpec.INTA);
    }

    /** The offset of the MSI-X capability, found as a guest finds it. */
    private static int msixCapability(Machine m, int slot) {
        for (int at = m.config(slot, 0x34) & 0xFF; at != 0; at = (m.config(slot, at) >>> 8) & 0xFF) {
            if ((m.config(slot, at) & 0xFF) == 0x11) {
                return at;
            }
        }
        throw new AssertionError("no MSI-X capability");
    }

    /** What a guest driver does: moves the BAR, turns decoding and MSI-X on, programs vectors, masks one. */
    private static void program(Machine m) {
        int net = m.net.slot();
        m.setConfig(net, 0x10, 4, (int) MOVED_BAR);
        m.setConfig(net, 0x04, 2, 0x0006);
        int cap = msixCapability(m, net);
        m.setConfig(net, cap + 2, 2, 0x8000);
        for (int v = 0; v < 4; v++) {
            long entry = 0x4000 + v * 16L;
            m.host.handlers.get("net0#bar0").write(entry, 4, 0xFEE0_0000L | v << 12);
            m.host.handlers.get("net0#bar0").write(entry + 8, 4, 0x40 + v);
            m.host.handlers.get("net0#bar0").write(entry + 12, 4, v == 2 ? 1 : 0);
        }
        m.net.signalMsix(2); // masked: only the pending bit
        int nic = m.nic.slot();
        m.setConfig(nic, 0x04, 2, 0x0002);
        m.setConfig(nic, 0x3C, 1, 0x0B);
        m.nic.setIntx(true);
        m.bus.hotplug().announceAdded(nic);
        m.bus.addressPort().write(0, 4, 0x8000_0000L | net << 11 | 0x40);
    }

    @Test
    void aFreshBusWithTheSameDevicesReadsBackTheSameAndMapsTheSameWindows() throws Exception {
        Machine source = new Machine("net0", "nic0");
        program(source);
        long latch = source.bus.addressPort().read(0, 4);
        StateRecord saved = StateCodec.decode(StateCodec.encode(source.bus.saveState()));
        StateRecord gpe = StateCodec.decode(StateCodec.encode(source.gpe.saveState()));

        Machine target = new Machine("net0", "nic0");
        assertNotEquals(source.host.mapped.keySet(), target.host.mapped.keySet(), "decoding is off before");
        target.bus.restoreState(saved);
        target.gpe.restoreState(gpe);

        assertEquals(latch, target.bus.addressPort().read(0, 4), "the configuration address register");
        assertArrayEquals(source.msix(), target.msix(), "MSI-X table and PBA, the masked vector still pending");
        assertEquals(1L << 2, target.msix()[8] & 0xF);
        for (int slot : new int[] {source.net.slot(), source.nic.slot()}) {
            assertArrayEquals(source.configSpace(slot), target.configSpace(slot), "configuration space of " + slot);
        }
        assertArrayEquals(new long[] {MOVED_BAR, 0x8000}, target.host.mapped.get("net0#bar0"), "the moved BAR");
        assertArrayEquals(source.host.mapped.get("nic0#bar0"), target.host.mapped.get("nic0#bar0"));
        assertTrue(target.net.msixEnabled());
        int gsi = PcPlatform.pciIntxGsi(target.nic.slot(), 1);
        assertTrue(target.intx.level(gsi), "the INTx line is high again");
        assertEquals(source.gpe.registers().read(0, 4), target.gpe.registers().read(0, 4), "GPE status and enable");
        assertEquals(source.bus.hotplug().registers().read(PciHotplug.UP, 4),
                target.bus.hotplug().registers().read(PciHotplug.UP, 4), "PCIU: the announcement not yet seen");
    }

    @Test
    void otherDevicesInTheSlotsOrANewerRecordAreRefusedNamingTheSlot() throws Exception {
        Machine source = new Machine("net0", "nic0");
        program(source);
        StateRecord saved = source.bus.saveState();

        Machine swapped = new Machine("nic0", "net0");
        StateException e = assertThrows(StateException.class, () -> swapped.bus.restoreState(saved));
        assertEquals("PCI slot 02 holds nic0 here, but net0 in the saved state", e.getMessage());
        assertTrue(swapped.host.mapped.isEmpty(), "nothing changed");

        Machine fewer = new Machine("net0", "nic0");
        fewer.bus.unplug("nic0");
        assertEquals("PCI slot 03 held nic0 in the saved state, but is empty here",
                assertThrows(StateException.class, () -> fewer.bus.restoreState(saved)).getMessage());

        StateRecord newer = StateRecord.builder(PciRootBus.STATE_TYPE, 2).build();
        assertEquals("pci-bus state version 2 is not readable here (versions 1 to 1)",
                assertThrows(StateException.class, () -> source.bus.restoreState(newer)).getMessage());
    }
}

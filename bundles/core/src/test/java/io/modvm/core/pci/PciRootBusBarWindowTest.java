package io.modvm.core.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modvm.api.device.DeviceException;
import io.modvm.api.pci.PciBar;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import io.modvm.core.acpi.AcpiGpe;
import io.modvm.core.pci.hotplug.PciHotplug;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where the bus puts BARs: the lowest free aligned range, reused once the guest let go, never over a live BAR. */
class PciRootBusBarWindowTest {
    private static final long WINDOW = 0xC000_0000L;
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    private final PciRootBusTest.RecordingHost host = new PciRootBusTest.RecordingHost();
    private final PciRootBus bus = new PciRootBus(host, new PciRootBusTest.RecordingIntx(), WINDOW, 0xFEC0_0000L);
    private final PciHotplug hotplug = bus.hotplug();

    PciRootBusBarWindowTest() {
        hotplug.connect(new AcpiGpe(level -> { }));
        hotplug.onEject((slot, owner) -> bus.unplug(owner));
    }

    /** A function with one 32-bit memory BAR per size, BAR 0 first. */
    private static PciFunctionSpec spec(long... sizes) {
        List<PciBar> bars = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            bars.add(new PciBar(i, sizes[i], false, PciRootBusTest.SILENT));
        }
        return new PciFunctionSpec(0x1af4, 0x1044, 1, 0x00ff00, 0x1af4, 0x1100, bars, List.of(), 0, 0, 0, null);
    }

    private void select(int slot, int reg) {
        bus.addressPort().write(0, 4, 0x8000_0000L | slot << 11 | reg);
    }

    /** The BAR's address as the guest reads it. */
    private long bar(PciFunction f, int index) {
        select(f.slot(), 0x10 + 4 * index);
        return bus.dataPort().read(0, 4) & 0xFFFF_FFF0L;
    }

    /** What the guest's BAR reassignment does: a config-space write of the BAR register. */
    private void moveBar(PciFunction f, int index, long address) {
        select(f.slot(), 0x10 + 4 * index);
        bus.dataPort().write(0, 4, address);
    }

    /** device_del with a guest that lets go: the removal request, then the guest's eject of the slot. */
    private void ejectByGuest(String owner) {
        int slot = bus.slotsOf(owner).get(0);
        bus.requestUnplug(owner);
        hotplug.registers().write(PciHotplug.EJECT, 4, 1L << slot);
        assertEquals(List.of(), bus.slotsOf(owner), "unplugged by the eject");
    }

    @Test
    void theRangeOfAnEjectedDeviceGoesToTheNextOne() throws DeviceException {
        PciFunction a = bus.plug("a", spec(32 * KIB));
        PciFunction b = bus.plug("b", spec(32 * KIB));
        assertEquals(WINDOW, bar(a, 0));
        assertEquals(WINDOW + 32 * KIB, bar(b, 0));

        ejectByGuest("a");
        PciFunction c = bus.plug("c", spec(32 * KIB));
        assertEquals(WINDOW, bar(c, 0), "a's range is reused");
        assertEquals(WINDOW + 32 * KIB, bar(b, 0));
    }

    @Test
    void aRangeTheGuestDidNotLetGoOfStaysTakenUntilReset() throws DeviceException {
        long a = bar(bus.plug("a", spec(32 * KIB)), 0);
        bus.unplug("a"); // no eject: the guest may still have a driver on it
        assertNotEquals(a, bar(bus.plug("b", spec(32 * KIB)), 0));

        bus.reset(); // the guest that knew a is gone
        assertEquals(WINDOW, bar(bus.plug("c", spec(32 * KIB)), 0));
    }

    @Test
    void aThousandHotplugCyclesOfALargeBarNeverExhaustTheWindow() throws DeviceException {
        bus.plug("boot-disk", spec(32 * KIB));
        for (int i = 0; i < 1000; i++) {
            PciFunction big = bus.plug("big" + i, spec(64 * MIB));
            assertEquals(WINDOW + 64 * MIB, bar(big, 0), "cycle " + i);
            ejectByGuest("big" + i);
        }
    }

    @Test
    void aBarTheGuestMovedIsNotHandedOutAgain() throws DeviceException {
        PciFunction a = bus.plug("a", spec(32 * KIB));
        moveBar(a, 0, WINDOW + 32 * KIB); // where the next BAR would have gone
        assertEquals(WINDOW + 32 * KIB, bar(a, 0));

        PciFunction b = bus.plug("b", spec(32 * KIB));
        assertEquals(WINDOW + 64 * KIB, bar(b, 0), "neither where a is nor where a reset puts it back");

        select(a.slot(), 0x04);
        bus.dataPort().write(0, 2, PciDeviceFunction.COMMAND_MEMORY);
        select(b.slot(), 0x04);
        bus.dataPort().write(0, 2, PciDeviceFunction.COMMAND_MEMORY);
        assertEquals(WINDOW + 32 * KIB, host.mapped.get("a#bar0")[0]);
        assertEquals(WINDOW + 64 * KIB, host.mapped.get("b#bar0")[0], "both decode, side by side");
    }

    @Test
    void mixedSizesAreEachAlignedToTheirSizeAndNeverOverlap() throws DeviceException {
        PciFunction small = bus.plug("small", spec(4 * KIB));
        PciFunction big = bus.plug("big", spec(64 * MIB));
        PciFunction mid = bus.plug("mid", spec(32 * KIB));
        PciFunction two = bus.plug("two", spec(MIB, 4 * KIB));
        assertEquals(WINDOW, bar(small, 0));
        assertEquals(WINDOW + 64 * MIB, bar(big, 0));
        assertEquals(WINDOW + 32 * KIB, bar(mid, 0), "the first 32 KiB boundary past small");
        assertEquals(WINDOW + MIB, bar(two, 0));
        assertEquals(WINDOW + 4 * KIB, bar(two, 1), "the gap small left, before mid");

        ejectByGuest("big");
        PciFunction next = bus.plug("next", spec(64 * MIB));
        assertEquals(WINDOW + 64 * MIB, bar(next, 0), "big's range: the lowest free 64 MiB boundary again");

        long[][] ranges = {{bar(small, 0), 4 * KIB}, {bar(mid, 0), 32 * KIB}, {bar(two, 0), MIB},
            {bar(two, 1), 4 * KIB}, {bar(next, 0), 64 * MIB}};
        for (int i = 0; i < ranges.length; i++) {
            assertEquals(0, ranges[i][0] % ranges[i][1], "aligned to its size");
            for (int j = 0; j < i; j++) {
                assertFalse(ranges[i][0] < ranges[j][0] + ranges[j][1] && ranges[j][0] < ranges[i][0] + ranges[i][1],
                        "ranges " + i + " and " + j + " overlap");
            }
        }
    }

    @Test
    void aFullWindowRefusesAndAFreedRangeFitsAgain() throws DeviceException {
        for (int i = 0; i < 15; i++) { // 1004 MiB of window hold 15 aligned 64 MiB BARs
            bus.plug("big" + i, spec(64 * MIB));
        }
        assertThrows(DeviceException.class, () -> bus.plug("more", spec(64 * MIB)));
        ejectByGuest("big7");
        assertEquals(WINDOW + 7 * 64 * MIB, bar(bus.plug("more", spec(64 * MIB)), 0));
    }
}

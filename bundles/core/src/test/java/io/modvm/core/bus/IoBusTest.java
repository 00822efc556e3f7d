package io.modvm.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.BusHandler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IoBusTest {
    private final IoBus bus = new IoBus("port", 0x10000);
    private final List<String> log = new ArrayList<>();

    private BusHandler recorder(String name) {
        return new BusHandler() {
            @Override
            public long read(long offset, int size) {
                log.add(name + " read +" + offset + "/" + size);
                return 0x1234_5678_9ABC_DEF0L;
            }

            @Override
            public void write(long offset, int size, long value) {
                log.add(name + " write +" + offset + "/" + size + "=" + Long.toHexString(value));
            }
        };
    }

    @Test
    void accessesReachTheOwningDeviceWithRelativeOffsets() {
        bus.claim(0x3F8, 8, "serial0", recorder("serial0"));
        bus.claim(0x60, 1, "kbd-data", recorder("kbd"));
        bus.claim(0x64, 1, "kbd-cmd", recorder("cmd"));
        bus.write(0x3FD, 1, 0x41);
        bus.write(0x64, 1, 0xFE);
        assertEquals(0xF0, bus.read(0x3F8, 1), "reads are cut to the access size");
        assertEquals(List.of("serial0 write +5/1=41", "cmd write +0/1=fe", "serial0 read +0/1"), log);
        assertNull(bus.find(0x3F7));
        assertNull(bus.find(0x400));
        assertNull(bus.find(0x61));
    }

    @Test
    void unclaimedAccessesReadAllOnesAndAreCounted() {
        assertEquals(0xFF, bus.read(0x1234, 1));
        assertEquals(0xFFFF, bus.read(0x1234, 2));
        assertEquals(0xFFFF_FFFFL, bus.read(0x1234, 4));
        bus.write(0x1234, 1, 0);
        assertEquals(4, bus.unclaimedAccesses());
    }

    @Test
    void overlappingClaimsNameTheOwner() {
        bus.claim(0x3F8, 8, "serial0", recorder("a"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bus.claim(0x3F0, 9, "fdc", recorder("b")));
        assertTrue(e.getMessage().contains("serial0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> bus.claim(0x3FF, 1, "x", recorder("c")));
        assertThrows(IllegalArgumentException.class, () -> bus.claim(0xFFFF, 2, "x", recorder("c")));
        bus.claim(0x3F0, 8, "fdc", recorder("b"));
        bus.claim(0x400, 1, "after", recorder("d"));
    }

    @Test
    void releasingFreesEveryRangeOfTheOwner() {
        bus.claim(0x70, 2, "rtc", recorder("rtc"));
        bus.claim(0x80, 1, "rtc", recorder("rtc"));
        bus.releaseAll("rtc");
        assertNull(bus.find(0x70));
        assertNull(bus.find(0x80));
        bus.claim(0x70, 2, "rtc2", recorder("rtc2"));
    }

    /** A handler that throws on the accesses {@code failing} accepts, and otherwise records like {@link #recorder}. */
    private BusHandler failingOn(String name, java.util.function.LongPredicate failing) {
        BusHandler inner = recorder(name);
        return new BusHandler() {
            @Override
            public long read(long offset, int size) {
                if (failing.test(offset)) {
                    throw new IllegalStateException("bug");
                }
                return inner.read(offset, size);
            }

            @Override
            public void write(long offset, int size, long value) {
                if (failing.test(offset)) {
                    throw new IllegalStateException("bug");
                }
                inner.write(offset, size, value);
            }
        };
    }

    @Test
    void aFailingDeviceDoesNotTakeTheCallerDown() {
        bus.claim(0x100, 4, "broken", failingOn("broken", offset -> true));
        assertEquals(0xFF, bus.read(0x100, 1));
        bus.write(0x100, 4, 1);
    }

    @Test
    void aDeviceThatThrowsIsFencedOffAndTheOthersGoOn() {
        BusHandler device = failingOn("dev", offset -> offset == 4);
        bus.claim(0x1000, 8, "dev#bar0", device);
        bus.claim(0x2000, 4, "dev#bar2", recorder("dev-bar2"));
        bus.claim(0x3000, 4, "other", recorder("other"));
        assertEquals(0xDEF0, bus.read(0x1000, 2), "serves the guest until it fails");
        assertFalse(bus.isFenced("dev#bar0"));

        assertEquals(0xFFFF_FFFFL, bus.read(0x1004, 4), "the failing access reads all ones");
        assertTrue(bus.isFenced("dev#bar0") && bus.isFenced("dev#bar2") && bus.isFenced("dev"));
        log.clear();
        assertEquals(0xFFFF, bus.read(0x1000, 2), "a register that worked reads all ones now");
        bus.write(0x1000, 4, 0x55);
        assertEquals(0xFF, bus.read(0x2003, 1), "every range of the device is fenced");
        bus.write(0x2000, 1, 1);
        assertEquals(List.of(), log, "the fenced device is not called again");

        assertFalse(bus.isFenced("other"));
        assertEquals(0xF0, bus.read(0x3000, 1));
        bus.write(0x3000, 1, 0x7);
        assertEquals(List.of("other read +0/1", "other write +0/1=7"), log);
        assertEquals(0, bus.unclaimedAccesses(), "fenced accesses are not counted as unclaimed");
    }

    @Test
    void aFenceOutlivesAMovedBarAndIsLiftedWhenTheDeviceIsReleased() {
        bus.claim(0x1000, 8, "dev#bar0", failingOn("dev", offset -> true));
        bus.write(0x1000, 4, 1);
        assertTrue(bus.isFenced("dev#bar0"));
        bus.releaseAll("dev#bar0"); // the guest moves the BAR
        bus.claim(0x4000, 8, "dev#bar0", recorder("moved"));
        assertEquals(0xFF, bus.read(0x4000, 1));
        assertEquals(List.of(), log, "still fenced at the new address");

        bus.releaseAll("dev"); // unplugged, or parked for a hot-swap
        assertFalse(bus.isFenced("dev#bar0"));
        bus.releaseAll("dev#bar0");
        bus.claim(0x1000, 8, "dev#bar0", recorder("again"));
        assertEquals(0xF0, bus.read(0x1000, 1), "the device plugged again serves the guest");
        assertEquals(List.of("again read +0/1"), log);
    }

    @Test
    void aDirectlyClaimedRangeIsFencedUnderTheDevicesId() {
        bus.claim(0x3F8, 8, "serial9", failingOn("serial9", offset -> offset == 5));
        assertEquals(0xFF, bus.read(0x3FD, 1));
        assertTrue(bus.isFenced("serial9"));
        log.clear();
        assertEquals(0xFF, bus.read(0x3F8, 1));
        assertEquals(List.of(), log);
    }

    @Test
    void sharedRangesLoseTheAccessButAreNeverFenced() {
        bus.claimShared(0xCFC, 4, "pci", failingOn("pci", offset -> offset == 0));
        assertEquals(0xFFFF_FFFFL, bus.read(0xCFC, 4));
        assertFalse(bus.isFenced("pci"));
        log.clear();
        assertEquals(0xF0, bus.read(0xCFD, 1), "the configuration port still serves every other device");
        assertEquals(List.of("pci read +1/1"), log);
    }
}

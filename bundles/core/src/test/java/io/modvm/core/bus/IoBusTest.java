package io.modvm.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void aFailingDeviceDoesNotTakeTheCallerDown() {
        bus.claim(0x100, 4, "broken", new BusHandler() {
            @Override
            public long read(long offset, int size) {
                throw new IllegalStateException("bug");
            }

            @Override
            public void write(long offset, int size, long value) {
                throw new IllegalStateException("bug");
            }
        });
        assertEquals(0xFF, bus.read(0x100, 1));
        bus.write(0x100, 4, 1);
    }
}

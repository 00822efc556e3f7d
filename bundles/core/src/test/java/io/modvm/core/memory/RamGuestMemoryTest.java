package io.modvm.core.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.memory.GuestMemoryException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RamGuestMemoryTest {
    private final HeapRam ram = new HeapRam(0x20000);
    /** Two ranges: 0-64 KiB at 0, and 64 KiB at 0x100000 (the same region's upper half). */
    private final RamGuestMemory memory = new RamGuestMemory.Builder()
            .add(0, ram, 0, 0x10000).add(0x100000, ram, 0x10000, 0x10000).build();

    @Test
    void valuesAreLittleEndianAndLandInTheRightRange() {
        memory.writeLong(0x100008, 0x1122334455667788L);
        assertEquals(0x1122334455667788L, memory.readLong(0x100008));
        assertEquals(0x55667788, memory.readInt(0x100008));
        assertEquals((byte) 0x88, ram.view(0x10008, 1).get(0));
        memory.writeShort(0xFFFE, (short) 0xBEEF);
        assertEquals((short) 0xBEEF, memory.readShort(0xFFFE));
    }

    @Test
    void everyAccessOutsideRamIsRefused() {
        assertThrows(GuestMemoryException.class, () -> memory.readByte(0x10000));
        assertThrows(GuestMemoryException.class, () -> memory.readInt(0xFFFE), "straddles the end of a range");
        assertThrows(GuestMemoryException.class, () -> memory.writeLong(0x10FFF9, 1));
        assertThrows(GuestMemoryException.class, () -> memory.readByte(-1));
        assertThrows(GuestMemoryException.class, () -> memory.read(0x100000, new byte[16], 0, -1));
        assertThrows(GuestMemoryException.class, () -> memory.write(Long.MAX_VALUE - 2, new byte[8], 0, 8));
        assertThrows(GuestMemoryException.class, () -> memory.fill(0xF000, 0x2000, (byte) 1));
        assertThrows(GuestMemoryException.class, () -> memory.view(0x50000, 16));
        assertFalse(memory.isRam(0x20000, 1));
        assertTrue(memory.isRam(0x100000, 0x10000));
        assertFalse(memory.isRam(0x100000, 0x10001));
    }

    @Test
    void bulkCopiesRoundTrip() {
        byte[] data = new byte[300];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        memory.write(0x100100, data, 0, data.length);
        byte[] back = new byte[300];
        memory.read(0x100100, back, 0, back.length);
        assertArrayEquals(data, back);
        memory.fill(0x100100, 300, (byte) 0);
        assertEquals(0, memory.readLong(0x100100));
        assertEquals(0, memory.view(0x100100, 4).getInt(0));
    }

    /** The pages set in a tracker's bitmap, as region page numbers. */
    private static List<Integer> pages(WrittenPages w) {
        List<Integer> out = new ArrayList<>();
        long[] bits = w.snapshot();
        for (int i = 0; i < bits.length * 64; i++) {
            if ((bits[i >>> 6] & (1L << (i & 63))) != 0) {
                out.add(i);
            }
        }
        return out;
    }

    @Test
    void writesReportedAfterAViewWasTakenAreTrackedWhileAMigrationTracks() {
        // A view taken before tracking began (a ring, a held buffer): writing through it is invisible until reported.
        ByteBuffer early = memory.view(0x100000 + 0x3000, 0x2000);
        WrittenPages tracked = new WrittenPages(ram);
        memory.track(tracked);
        early.putLong(0x1FF8, 42);
        assertEquals(List.of(), pages(tracked), "a write through a view taken earlier shows nothing");
        memory.written(0x100000 + 0x3000 + 0x1FF8, 8);
        assertEquals(List.of(0x14), pages(tracked), "region page of guest page 0x104000");
        // Across both ranges' ends, and partly outside RAM: only the RAM part is marked.
        memory.written(0xF000, 0x3000);
        assertEquals(List.of(0xF, 0x14), pages(tracked));
        memory.track(null);
        memory.written(0x0, 0x1000);
        assertEquals(List.of(0xF, 0x14), pages(tracked), "nothing is marked once tracking stopped");
    }

    /** A migration must send again every page a device wrote, a single status byte as much as a bulk copy. */
    @Test
    void everyKindOfDeviceWriteMarksItsPage() {
        WrittenPages written = new WrittenPages(ram);
        memory.track(written);
        memory.writeByte(0x1003, (byte) 1);
        memory.writeInt(0x3000, 2);
        memory.write(0x100000 + 0x5000, new byte[2], 0, 2);
        long expected = 1L << 1 | 1L << 3 | 1L << (16 + 5);
        assertEquals(expected, written.snapshot()[0]);
    }

    /**
     * A vhost log counts pages by guest address; the migration's bitmap by offset in the RAM block: page 0x100 of
     * the guest (0x100000) is page 0x10 of the region here, and pages outside RAM (the hole) are dropped.
     */
    @Test
    void guestPagesOfAVhostLogBecomeTheRegionsPages() {
        assertEquals(0x110000, memory.end());
        long[] guest = new long[(0x110000 / 4096 + 63) / 64];
        guest[0] = 1L << 3 | 1L << 20;
        guest[0x100 / 64] = 1L;
        guest[0x10F / 64] |= 1L << (0x10F % 64);
        long[] region = new long[1];
        region[0] = 1L << 1;
        memory.orRegionPages(guest, ram, region);
        assertArrayEquals(new long[] {1L << 1 | 1L << 3 | 1L << 0x10 | 1L << 0x1F}, region);
        memory.orRegionPages(new long[1], ram, region);
        assertArrayEquals(new long[] {1L << 1 | 1L << 3 | 1L << 0x10 | 1L << 0x1F}, region, "a short log adds none");
    }
}

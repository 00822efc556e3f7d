package io.modvm.core.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryLayoutTest {
    @Test
    void smallGuestHasLowRamOnlyWithPcHoles() {
        List<E820Entry> map = new MemoryLayout(128L << 20).e820();
        assertEquals(List.of(
                new E820Entry(0, 0x9FC00, E820Entry.RAM),
                new E820Entry(0x9FC00, 0x400, E820Entry.RESERVED),
                new E820Entry(0xF0000, 0x10000, E820Entry.RESERVED),
                new E820Entry(0x100000, (128L << 20) - 0x100000, E820Entry.RAM)), map);
    }

    @Test
    void largeGuestSplitsAroundTheMmioHole() {
        MemoryLayout layout = new MemoryLayout(5L << 30);
        assertEquals(3L << 30, layout.lowRamSize());
        assertEquals(2L << 30, layout.highRamSize());
        E820Entry high = layout.e820().get(4);
        assertEquals(new E820Entry(1L << 32, 2L << 30, E820Entry.RAM), high);
        long total = layout.e820().stream().filter(e -> e.type() == E820Entry.RAM).mapToLong(E820Entry::size).sum();
        assertEquals((5L << 30) - 0x60400, total, "RAM minus the EBDA, VGA and BIOS holes below 1 MiB");
    }

    @Test
    void entriesAreSortedAndDisjoint() {
        List<E820Entry> map = new MemoryLayout(4L << 30).e820();
        for (int i = 1; i < map.size(); i++) {
            assertTrue(map.get(i - 1).end() <= map.get(i).address(), map.toString());
        }
    }

    @Test
    void usableRamExcludesHolesAndTheMmioGap() {
        MemoryLayout layout = new MemoryLayout(4L << 30);
        assertTrue(layout.isUsableRam(0x100000, 0x1000));
        assertFalse(layout.isUsableRam(0x9F000, 0x2000), "crosses into the EBDA");
        assertFalse(layout.isUsableRam(0xC000_0000L, 0x1000), "MMIO hole");
        assertTrue(layout.isUsableRam(1L << 32, 1L << 30));
        assertFalse(layout.isUsableRam(1L << 32, (1L << 30) + 1));
        assertFalse(layout.isUsableRam(Long.MAX_VALUE, 2), "overflow must not wrap");
    }

    @Test
    void tinyRamIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MemoryLayout(1 << 20));
    }
}

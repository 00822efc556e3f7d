package io.modvm.virtio.queue;

import static io.modvm.virtio.queue.TestRam.DATA;
import static io.modvm.virtio.queue.TestRam.INDIRECT;
import static io.modvm.virtio.queue.TestRam.RINGS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.queue.TestDriver.Used;
import io.modvm.virtio.testing.StrictGuestMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The queue reads its rings through views of guest RAM taken once, and writes them through guest memory (where a
 * running migration sees the pages change); where the memory gives no view (a ring crosses host mappings) every
 * access goes through guest memory, and works the same.
 */
class RingAreaTest {
    private static final int SIZE = 16;

    /** A request and its answer, through a queue made over {@code memory}. */
    private static void roundTrip(StrictGuestMemory memory) throws VirtqueueException {
        TestDriver driver = new TestDriver(memory, RINGS, SIZE, true, true, INDIRECT);
        SplitVirtqueue queue = SplitVirtqueue.create(memory, driver.config());
        int direct = driver.add(List.of(new Buf(DATA, 5)), List.of(new Buf(DATA + 0x100, 16)));
        int indirect = driver.addIndirect(List.of(new Buf(DATA + 0x200, 3)), List.of(new Buf(DATA + 0x300, 8)));
        DescriptorChain first = queue.pop().orElseThrow();
        DescriptorChain second = queue.pop().orElseThrow();
        assertEquals(List.of(new Segment(DATA, 5)), first.readable());
        assertEquals(List.of(new Segment(DATA + 0x300, 8)), second.writable());
        assertTrue(queue.pop().isEmpty());
        queue.push(first, 7);
        queue.push(second, 8);
        assertTrue(queue.needsNotification());
        assertEquals(new Used(direct, 7), driver.getBuf().orElseThrow());
        assertEquals(new Used(indirect, 8), driver.getBuf().orElseThrow());
    }

    /** The guest-memory accesses of one pop, push and interrupt check of a direct chain, on a queue already made. */
    private static long queueAccesses(StrictGuestMemory memory) throws VirtqueueException {
        TestDriver driver = new TestDriver(memory, RINGS, SIZE, true, true, INDIRECT);
        SplitVirtqueue queue = SplitVirtqueue.create(memory, driver.config());
        driver.add(List.of(new Buf(DATA, 5)), List.of());
        long before = memory.accesses();
        queue.push(queue.pop().orElseThrow(), 0);
        queue.needsNotification();
        return memory.accesses() - before;
    }

    @Test
    void ringsAreReadThroughViewsTakenOnceAndWrittenThroughGuestMemory() throws Exception {
        StrictGuestMemory memory = TestRam.create();
        roundTrip(memory);
        assertEquals(3, queueAccesses(memory), "one pop, push and check must touch guest memory for the used"
                + " element's id and length and the used index only: every read goes through the views");
    }

    @Test
    void ringsAcrossHostMappingsWorkThroughGuestMemory() throws Exception {
        // One edge in each ring area: the descriptor table, the available ring and the used ring have no view.
        HeapGuestMemory ram = new HeapGuestMemory().add(TestRam.RAM_A, TestRam.RAM_A_SIZE);
        TestDriver layout = new TestDriver(ram, RINGS, SIZE, true, true, INDIRECT);
        ram.mappingEdge(layout.descTable() + 8).mappingEdge(layout.availRing() + 6)
                .mappingEdge(layout.usedRing() + 12);
        StrictGuestMemory memory = new StrictGuestMemory(ram);
        roundTrip(memory);
        assertTrue(queueAccesses(memory) > 0, "rings without a view were not read through guest memory");
    }
}

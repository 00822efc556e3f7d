package io.modvm.virtio.queue;

import static io.modvm.virtio.queue.SplitRing.DESC_F_INDIRECT;
import static io.modvm.virtio.queue.SplitRing.DESC_F_NEXT;
import static io.modvm.virtio.queue.SplitRing.DESC_F_WRITE;
import static io.modvm.virtio.queue.TestRam.DATA;
import static io.modvm.virtio.queue.TestRam.HOLE;
import static io.modvm.virtio.queue.TestRam.INDIRECT;
import static io.modvm.virtio.queue.TestRam.RAM_A_END;
import static io.modvm.virtio.queue.TestRam.RAM_B;
import static io.modvm.virtio.queue.TestRam.RAM_B_END;
import static io.modvm.virtio.queue.TestRam.RINGS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.queue.TestDriver.Used;
import io.modvm.virtio.testing.StrictGuestMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every malformed layout a guest can write: each must come back as the named {@link VirtqueueError}, with no access
 * outside RAM ({@link StrictGuestMemory} would fail the test) and with the queue in the state its scope promises.
 */
class MalformedChainTest {
    private static final int SIZE = 8;
    private static final int HEAD = 2;

    private final StrictGuestMemory memory = TestRam.create();

    private TestDriver driver(boolean indirect) {
        return new TestDriver(memory, RINGS, SIZE, false, indirect, INDIRECT);
    }

    /**
     * Pops the chain published at HEAD, expects {@code expected}, fails it back to the driver as a device would, and
     * proves the queue still serves a good request afterwards.
     */
    private void assertChainError(TestDriver driver, VirtqueueError expected) throws VirtqueueException {
        SplitVirtqueue queue = SplitVirtqueue.create(memory, driver.config());
        driver.publishRaw(HEAD);
        VirtqueueException e = assertThrows(VirtqueueException.class, queue::pop);
        assertEquals(expected, e.error(), e.getMessage());
        assertEquals(VirtqueueError.Scope.CHAIN, e.error().scope());
        assertTrue(e.queueUsable());
        assertEquals(HEAD, e.head().orElseThrow());

        queue.push(e.head().getAsInt(), 0);
        int usedIdx = driver.usedIdx();
        assertEquals(1, usedIdx);
        // A good chain, built by hand at descriptor 5 so that it does not meet the broken one.
        driver.writeDescriptor(5, DATA, 8, DESC_F_WRITE, 0);
        driver.publishRaw(5);
        DescriptorChain good = queue.pop().orElseThrow();
        assertEquals(5, good.head());
        queue.push(good, 8);
        assertEquals(2, driver.usedIdx());
    }

    private void assertQueueError(TestDriver driver, SplitVirtqueue queue, VirtqueueError expected) {
        VirtqueueException e = assertThrows(VirtqueueException.class, queue::pop);
        assertEquals(expected, e.error(), e.getMessage());
        assertEquals(VirtqueueError.Scope.QUEUE, e.error().scope());
        assertFalse(e.queueUsable());
        assertTrue(e.head().isEmpty());
        VirtqueueException again = assertThrows(VirtqueueException.class, queue::pop);
        assertEquals(VirtqueueError.QUEUE_BROKEN, again.error());
        assertThrows(VirtqueueException.class, queue::needsNotification);
        assertThrows(VirtqueueException.class, queue::enableNotifications);
    }

    @Test
    void nextPointerOutsideTheTable() throws Exception {
        TestDriver d = driver(false);
        d.writeDescriptor(HEAD, DATA, 4, DESC_F_NEXT, SIZE);
        assertChainError(d, VirtqueueError.NEXT_OUT_OF_RANGE);
    }

    @Test
    void nextPointerOutsideAnIndirectTable() throws Exception {
        TestDriver d = driver(true);
        long table = d.indirectTable(0);
        d.writeDescriptorAt(table, 0, DATA, 4, DESC_F_NEXT, 1);
        d.writeDescriptorAt(table, 1, DATA, 4, DESC_F_NEXT, 2); // the table has two entries
        d.writeDescriptor(HEAD, table, 32, DESC_F_INDIRECT, 0);
        assertChainError(d, VirtqueueError.NEXT_OUT_OF_RANGE);
    }

    @Test
    void descriptorPointingAtItself() throws Exception {
        TestDriver d = driver(false);
        d.writeDescriptor(HEAD, DATA, 4, DESC_F_NEXT, HEAD);
        assertChainError(d, VirtqueueError.DESCRIPTOR_LOOP);
    }

    @Test
    void loopThroughSeveralDescriptors() throws Exception {
        TestDriver d = driver(false);
        d.writeDescriptor(HEAD, DATA, 4, DESC_F_NEXT, 3);
        d.writeDescriptor(3, DATA, 4, DESC_F_NEXT, 4);
        d.writeDescriptor(4, DATA, 4, DESC_F_NEXT, 3);
        assertChainError(d, VirtqueueError.DESCRIPTOR_LOOP);
    }

    @Test
    void chainUsingEveryDescriptorIsNotALoop() throws Exception {
        TestDriver d = driver(false);
        for (int i = 0; i < SIZE; i++) {
            int index = (HEAD + i) % SIZE;
            boolean last = i == SIZE - 1;
            d.writeDescriptor(index, DATA, 4, last ? 0 : DESC_F_NEXT, (index + 1) % SIZE);
        }
        SplitVirtqueue queue = SplitVirtqueue.create(memory, d.config());
        d.publishRaw(HEAD);
        assertEquals(SIZE, queue.pop().orElseThrow().readable().size());
    }

    @Test
    void loopInsideAnIndirectTable() throws Exception {
        TestDriver d = driver(true);
        long table = d.indirectTable(0);
        d.writeDescriptorAt(table, 0, DATA, 4, DESC_F_NEXT, 1);
        d.writeDescriptorAt(table, 1, DATA, 4, DESC_F_NEXT, 0);
        d.writeDescriptor(HEAD, table, 32, DESC_F_INDIRECT, 0);
        assertChainError(d, VirtqueueError.DESCRIPTOR_LOOP);
    }

    @Test
    void indirectWithoutTheFeature() throws Exception {
        TestDriver d = driver(false);
        d.writeDescriptorAt(d.indirectTable(0), 0, DATA, 4, 0, 0);
        d.writeDescriptor(HEAD, d.indirectTable(0), 16, DESC_F_INDIRECT, 0);
        assertChainError(d, VirtqueueError.INDIRECT_NOT_NEGOTIATED);
    }

    @Test
    void indirectInsideAnIndirectTable() throws Exception {
        TestDriver d = driver(true);
        long inner = d.indirectTable(1);
        d.writeDescriptorAt(inner, 0, DATA, 4, 0, 0);
        long outer = d.indirectTable(0);
        d.writeDescriptorAt(outer, 0, inner, 16, DESC_F_INDIRECT, 0);
        d.writeDescriptor(HEAD, outer, 16, DESC_F_INDIRECT, 0);
        assertChainError(d, VirtqueueError.NESTED_INDIRECT);
    }

    @Test
    void indirectTableNamingItself() throws Exception {
        // The only way to revisit an indirect table is from inside it, which is nesting.
        TestDriver d = driver(true);
        long table = d.indirectTable(0);
        d.writeDescriptorAt(table, 0, DATA, 4, DESC_F_NEXT, 1);
        d.writeDescriptorAt(table, 1, table, 32, DESC_F_INDIRECT, 0);
        d.writeDescriptor(HEAD, table, 32, DESC_F_INDIRECT, 0);
        assertChainError(d, VirtqueueError.NESTED_INDIRECT);
    }

    @Test
    void indirectDescriptorWithNext() throws Exception {
        TestDriver d = driver(true);
        d.writeDescriptorAt(d.indirectTable(0), 0, DATA, 4, 0, 0);
        d.writeDescriptor(HEAD, d.indirectTable(0), 16, DESC_F_INDIRECT | DESC_F_NEXT, 3);
        d.writeDescriptor(3, DATA, 4, 0, 0);
        assertChainError(d, VirtqueueError.INDIRECT_WITH_NEXT);
    }

    @Test
    void emptyIndirectTable() throws Exception {
        TestDriver d = driver(true);
        d.writeDescriptor(HEAD, d.indirectTable(0), 0, DESC_F_INDIRECT, 0);
        assertChainError(d, VirtqueueError.INDIRECT_TABLE_BAD_SIZE);
    }

    @Test
    void indirectTableOfPartialDescriptors() throws Exception {
        TestDriver d = driver(true);
        d.writeDescriptor(HEAD, d.indirectTable(0), 17, DESC_F_INDIRECT, 0);
        assertChainError(d, VirtqueueError.INDIRECT_TABLE_BAD_SIZE);
    }

    @Test
    void indirectTableLargerThanTheQueue() throws Exception {
        TestDriver d = driver(true);
        d.writeDescriptor(HEAD, d.indirectTable(0), 16L * (SIZE + 1), DESC_F_INDIRECT, 0);
        assertChainError(d, VirtqueueError.INDIRECT_TABLE_BAD_SIZE);
    }

    @Test
    void indirectTableInAHole() throws Exception {
        TestDriver d = driver(true);
        d.writeDescriptor(HEAD, HOLE, 16, DESC_F_INDIRECT, 0);
        assertChainError(d, VirtqueueError.INDIRECT_TABLE_OUTSIDE_RAM);
    }

    @Test
    void indirectTableRunningOffTheEndOfRam() throws Exception {
        TestDriver d = driver(true);
        d.writeDescriptor(HEAD, RAM_B_END - 16, 32, DESC_F_INDIRECT, 0);
        assertChainError(d, VirtqueueError.INDIRECT_TABLE_OUTSIDE_RAM);
    }

    @Test
    void indirectTableAtTheTopOfTheAddressSpace() throws Exception {
        TestDriver d = driver(true);
        d.writeDescriptor(HEAD, -16, 32, DESC_F_INDIRECT, 0);
        assertChainError(d, VirtqueueError.INDIRECT_TABLE_OUTSIDE_RAM);
    }

    @Test
    void bufferInAHole() throws Exception {
        TestDriver d = driver(false);
        d.writeDescriptor(HEAD, HOLE + 0x1000, 4, 0, 0);
        assertChainError(d, VirtqueueError.BUFFER_OUTSIDE_RAM);
    }

    @Test
    void bufferStraddlingTheEndOfARange() throws Exception {
        TestDriver d = driver(false);
        d.writeDescriptor(HEAD, RAM_A_END - 2, 4, DESC_F_WRITE, 0);
        assertChainError(d, VirtqueueError.BUFFER_OUTSIDE_RAM);
    }

    @Test
    void bufferBelowRam() throws Exception {
        TestDriver d = driver(false);
        d.writeDescriptor(HEAD, RAM_B - 1, 2, 0, 0);
        assertChainError(d, VirtqueueError.BUFFER_OUTSIDE_RAM);
    }

    @Test
    void bufferWhoseEndOverflowsSixtyFourBits() throws Exception {
        TestDriver d = driver(false);
        d.writeDescriptor(HEAD, 0xFFFF_FFFF_FFFF_FF00L, 0xFFFF_FFFFL, 0, 0);
        assertChainError(d, VirtqueueError.BUFFER_OUTSIDE_RAM);
    }

    @Test
    void bufferWithTheLargestLength() throws Exception {
        TestDriver d = driver(false);
        d.writeDescriptor(HEAD, DATA, 0xFFFF_FFFFL, 0, 0);
        assertChainError(d, VirtqueueError.BUFFER_OUTSIDE_RAM);
    }

    @Test
    void laterBufferOutsideRamInAnIndirectTable() throws Exception {
        TestDriver d = driver(true);
        long table = d.indirectTable(0);
        d.writeDescriptorAt(table, 0, DATA, 4, DESC_F_NEXT, 1);
        d.writeDescriptorAt(table, 1, HOLE, 4, DESC_F_WRITE, 0);
        d.writeDescriptor(HEAD, table, 32, DESC_F_INDIRECT, 0);
        assertChainError(d, VirtqueueError.BUFFER_OUTSIDE_RAM);
    }

    @Test
    void readableAfterWritable() throws Exception {
        TestDriver d = driver(false);
        d.writeDescriptor(HEAD, DATA, 4, DESC_F_WRITE | DESC_F_NEXT, 3);
        d.writeDescriptor(3, DATA, 4, 0, 0);
        assertChainError(d, VirtqueueError.READABLE_AFTER_WRITABLE);
    }

    @Test
    void readableAfterWritableAcrossTheIndirectBoundary() throws Exception {
        TestDriver d = driver(true);
        long table = d.indirectTable(0);
        d.writeDescriptorAt(table, 0, DATA, 4, 0, 0);
        d.writeDescriptor(HEAD, DATA, 4, DESC_F_WRITE | DESC_F_NEXT, 3);
        d.writeDescriptor(3, table, 16, DESC_F_INDIRECT, 0);
        assertChainError(d, VirtqueueError.READABLE_AFTER_WRITABLE);
    }

    @Test
    void zeroLengthChain() throws Exception {
        TestDriver d = driver(false);
        d.writeDescriptor(HEAD, DATA, 0, DESC_F_NEXT, 3);
        d.writeDescriptor(3, DATA, 0, DESC_F_WRITE, 0);
        assertChainError(d, VirtqueueError.EMPTY_CHAIN);
    }

    @Test
    void chainOfMoreThanFourGibibytes() throws Exception {
        // 1024 descriptors of the whole 4 MiB range A reach 2^32 bytes, one more than a used length can say.
        int size = 1024;
        TestDriver d = new TestDriver(memory, RINGS, size, false, false, INDIRECT);
        for (int i = 0; i < size; i++) {
            d.writeDescriptor(i, TestRam.RAM_A, TestRam.RAM_A_SIZE, i < size - 1 ? DESC_F_NEXT : 0, i + 1);
        }
        SplitVirtqueue queue = SplitVirtqueue.create(memory, d.config());
        d.publishRaw(0);
        VirtqueueException e = assertThrows(VirtqueueException.class, queue::pop);
        assertEquals(VirtqueueError.CHAIN_TOO_LONG, e.error());
        assertEquals(0, e.head().orElseThrow());

        // One byte less fits exactly.
        d.writeDescriptor(size - 1, TestRam.RAM_A, TestRam.RAM_A_SIZE - 1, 0, 0);
        d.publishRaw(0);
        assertEquals(0xFFFF_FFFFL, queue.pop().orElseThrow().readableLength());
    }

    @Test
    void availableIndexJumpingAhead() throws Exception {
        TestDriver d = driver(false);
        SplitVirtqueue queue = SplitVirtqueue.create(memory, d.config());
        d.setAvailIdx(SIZE + 1);
        assertQueueError(d, queue, VirtqueueError.AVAIL_INDEX_JUMP);
        assertThrows(VirtqueueException.class, () -> queue.push(0, 0));

        // A reset (the driver re-initialising the queue) makes it usable again.
        d.setAvailIdx(0);
        queue.reset();
        assertTrue(queue.pop().isEmpty());
    }

    @Test
    void availableIndexMovingBackwards() throws Exception {
        TestDriver d = driver(false);
        SplitVirtqueue queue = SplitVirtqueue.create(memory, d.config());
        d.add(List.of(new Buf(DATA, 4)), List.of());
        queue.pop().orElseThrow();
        d.setAvailIdx(0);
        assertQueueError(d, queue, VirtqueueError.AVAIL_INDEX_JUMP);
    }

    @Test
    void availableIndexExactlyAQueueAhead() throws Exception {
        TestDriver d = driver(false);
        SplitVirtqueue queue = SplitVirtqueue.create(memory, d.config());
        for (int i = 0; i < SIZE; i++) {
            d.add(List.of(new Buf(DATA, 4)), List.of());
        }
        for (int i = 0; i < SIZE; i++) {
            queue.pop().orElseThrow();
        }
        assertTrue(queue.pop().isEmpty());
    }

    @Test
    void headOutsideTheTable() throws Exception {
        TestDriver d = driver(false);
        SplitVirtqueue queue = SplitVirtqueue.create(memory, d.config());
        d.publishRaw(0xFFFF);
        assertQueueError(d, queue, VirtqueueError.HEAD_OUT_OF_RANGE);
    }

    @Test
    void failedChainReachesTheDriverAsZeroBytes() throws Exception {
        TestDriver d = driver(false);
        SplitVirtqueue queue = SplitVirtqueue.create(memory, d.config());
        int head = d.add(List.of(new Buf(HOLE, 4)), List.of());
        VirtqueueException e = assertThrows(VirtqueueException.class, queue::pop);
        queue.push(e.head().getAsInt(), 0);
        assertEquals(new Used(head, 0), d.getBuf().orElseThrow());
        assertEquals(SIZE, d.numFree());
    }
}

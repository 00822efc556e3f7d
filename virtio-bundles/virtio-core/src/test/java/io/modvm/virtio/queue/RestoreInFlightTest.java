package io.modvm.virtio.queue;

import static io.modvm.virtio.queue.TestRam.DATA;
import static io.modvm.virtio.queue.TestRam.INDIRECT;
import static io.modvm.virtio.queue.TestRam.RINGS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.testing.StrictGuestMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A queue handed to a new instance with chains still held: the count is checked, the chains come back by head. */
class RestoreInFlightTest {
    private final StrictGuestMemory memory = TestRam.create();

    @Test
    void heldChainsCrossARestoreAndAreReturnedInOrder() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 8, true, true, INDIRECT, 0xFFFE);
        SplitVirtqueue old = SplitVirtqueue.create(memory, driver.config());
        old.restore(0xFFFE, 0xFFFE);
        int a = driver.add(List.of(new Buf(DATA, 8)), List.of());
        int b = driver.addIndirect(List.of(), List.of(new Buf(DATA + 0x100, 32), new Buf(DATA + 0x200, 16)));
        int c = driver.add(List.of(new Buf(DATA + 0x300, 4)), List.of());
        DescriptorChain first = old.pop().orElseThrow();
        DescriptorChain second = old.pop().orElseThrow();
        old.push(first, 0);
        assertEquals(1, old.inFlight());

        SplitVirtqueue restored = SplitVirtqueue.create(memory, driver.config());
        restored.restore(old.nextAvailIndex(), old.nextUsedIndex(), old.inFlight());
        assertEquals(1, restored.inFlight());
        DescriptorChain again = restored.chain(b);
        assertEquals(second, again, "the held chain reads back as it was popped");
        assertEquals(a, first.head());
        restored.push(again, 48);
        assertEquals(c, restored.pop().orElseThrow().head(), "the next chain is the one after the held ones");
        restored.push(c, 0);
        assertEquals(List.of(a, b, c), List.of(driver.getBuf().orElseThrow().head(), driver.getBuf().orElseThrow()
                .head(), driver.getBuf().orElseThrow().head()));
        assertEquals(0xFFFE + 3 & 0xFFFF, driver.usedIdx(), "the used index went on across the 16-bit wrap");
        assertEquals(0, restored.inFlight());
        assertThrows(IllegalStateException.class, () -> restored.push(a, 0), "nothing more is in flight");
    }

    @Test
    void aQueueThatSignalledEverythingOwesNothingAfterARestore() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 8, true, false, INDIRECT);
        SplitVirtqueue old = SplitVirtqueue.create(memory, driver.config());
        driver.add(List.of(new Buf(DATA, 8)), List.of());
        old.push(old.pop().orElseThrow(), 0);
        assertTrue(old.notificationPending(), "pushed and not yet checked");
        assertTrue(old.needsNotification());
        assertFalse(old.notificationPending());

        SplitVirtqueue quiet = SplitVirtqueue.create(memory, driver.config());
        quiet.restore(old.nextAvailIndex(), old.nextUsedIndex(), 0, false);
        assertFalse(quiet.needsNotification(), "nothing pushed since the driver was told");
        driver.getBuf().orElseThrow();
        driver.add(List.of(new Buf(DATA, 8)), List.of());
        quiet.push(quiet.pop().orElseThrow(), 0);
        assertTrue(quiet.needsNotification(), "the driver's used_event asks for the next one");

        SplitVirtqueue unsure = SplitVirtqueue.create(memory, driver.config());
        unsure.restore(quiet.nextAvailIndex(), quiet.nextUsedIndex(), 0);
        assertTrue(unsure.notificationPending());
        assertTrue(unsure.needsNotification(), "without knowing, the restored queue signals once");
    }

    @Test
    void inFlightCountIsChecked() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 8, false, false, INDIRECT);
        SplitVirtqueue queue = SplitVirtqueue.create(memory, driver.config());
        assertThrows(IllegalArgumentException.class, () -> queue.restore(9, 0, 9), "more than the queue holds");
        assertThrows(IllegalArgumentException.class, () -> queue.restore(5, 3, 3), "more than taken and not returned");
        assertThrows(IllegalArgumentException.class, () -> queue.restore(5, 5, -1));
        assertThrows(IllegalArgumentException.class, () -> queue.restore(2, 0xFFFF, 4), "2 - 0xFFFF is 3 chains");
        queue.restore(2, 0xFFFF, 3);
        assertEquals(3, queue.inFlight());
        queue.restore(7, 7);
        assertEquals(0, queue.inFlight(), "the two-index restore counts nothing in flight");
        assertThrows(IllegalStateException.class, () -> queue.chain(0));
        assertThrows(IllegalArgumentException.class, () -> queue.chain(8));
    }

    @Test
    void aHeldChainTheGuestScribbledOverFailsAlone() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 8, false, false, INDIRECT);
        SplitVirtqueue queue = SplitVirtqueue.create(memory, driver.config());
        int head = driver.add(List.of(new Buf(DATA, 8)), List.of());
        queue.pop().orElseThrow();
        driver.writeDescriptor(head, DATA, 8, 1, 99);
        SplitVirtqueue restored = SplitVirtqueue.create(memory, driver.config());
        restored.restore(queue.nextAvailIndex(), queue.nextUsedIndex(), 1);
        VirtqueueException e = assertThrows(VirtqueueException.class, () -> restored.chain(head));
        assertTrue(e.queueUsable());
        restored.push(head, 0);
        assertEquals(head, driver.getBuf().orElseThrow().head());
    }
}

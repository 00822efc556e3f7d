package io.modvm.virtio.queue;

import static io.modvm.virtio.queue.TestRam.DATA;
import static io.modvm.virtio.queue.TestRam.INDIRECT;
import static io.modvm.virtio.queue.TestRam.RINGS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.testing.StrictGuestMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Interrupt and kick suppression, with and without VIRTIO_F_EVENT_IDX (virtio 1.2, 2.7.7 and 2.7.10). */
class NotificationTest {
    private final StrictGuestMemory memory = TestRam.create();

    private static void serve(SplitVirtqueue queue, int count) throws VirtqueueException {
        for (int i = 0; i < count; i++) {
            DescriptorChain chain = queue.pop().orElseThrow();
            queue.push(chain, 0);
        }
    }

    private static void add(TestDriver driver, int count) {
        for (int i = 0; i < count; i++) {
            driver.add(List.of(new Buf(DATA, 1)), List.of());
        }
    }

    @Test
    void withoutEventIdxTheNoInterruptFlagDecides() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 8, false, false, INDIRECT);
        SplitVirtqueue queue = SplitVirtqueue.create(memory, driver.config());
        add(driver, 2);
        serve(queue, 1);
        assertTrue(queue.needsNotification());
        assertFalse(queue.needsNotification(), "nothing pushed since the last decision");

        driver.disableCallbacks();
        serve(queue, 1);
        assertFalse(queue.needsNotification());
    }

    @Test
    void withoutEventIdxTheNoNotifyFlagSuppressesKicks() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 8, false, false, INDIRECT);
        SplitVirtqueue queue = SplitVirtqueue.create(memory, driver.config());
        add(driver, 1);
        assertTrue(driver.kickPrepare());

        queue.disableNotifications();
        assertEquals(SplitRing.USED_F_NO_NOTIFY, driver.usedFlags());
        add(driver, 1);
        assertFalse(driver.kickPrepare());

        assertTrue(queue.enableNotifications(), "two buffers wait, so the device must not sleep");
        assertEquals(0, driver.usedFlags());
        serve(queue, 2);
        assertFalse(queue.enableNotifications());
        add(driver, 1);
        assertTrue(driver.kickPrepare());
    }

    @Test
    void aFreshOrResetQueueOwesNoInterruptUntilSomethingIsPushed() throws Exception {
        for (boolean eventIdx : new boolean[] {false, true}) {
            TestDriver driver = new TestDriver(memory, RINGS, 8, eventIdx, false, INDIRECT);
            SplitVirtqueue queue = SplitVirtqueue.create(memory, driver.config());
            assertFalse(queue.needsNotification(), "nothing pushed yet (event idx " + eventIdx + ")");
            add(driver, 1);
            serve(queue, 1);
            assertTrue(queue.needsNotification());
            queue.reset();
            assertFalse(queue.needsNotification(), "nothing pushed since the reset");
        }
    }

    @Test
    void withEventIdxADeviceThatDrainsUntilEmptyIsKickedForEveryLaterBuffer() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 8, true, false, INDIRECT);
        SplitVirtqueue queue = SplitVirtqueue.create(memory, driver.config());
        for (int round = 0; round < 20; round++) {
            add(driver, 1);
            assertTrue(driver.kickPrepare(), "round " + round + ": the driver must kick");
            serve(queue, 1);
            driver.getBuf().orElseThrow();
            assertTrue(queue.pop().isEmpty());
            assertEquals((round + 1) & 0xFFFF, driver.availEvent(), "finding the ring empty re-arms avail_event");
        }
    }

    @Test
    void eventIdxInterruptsWhenUsedIndexPassesUsedEvent() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 8, true, false, INDIRECT);
        SplitVirtqueue queue = SplitVirtqueue.create(memory, driver.config());
        add(driver, 8);

        serve(queue, 1);
        assertTrue(queue.needsNotification(), "the first decision always interrupts");

        // The driver wants an interrupt once used idx moves past 4, i.e. when element 4 is used.
        driver.setUsedEvent(4);
        serve(queue, 2); // used idx 1 -> 3
        assertFalse(queue.needsNotification());
        serve(queue, 1); // 3 -> 4: 4 is not yet past 4
        assertFalse(queue.needsNotification());
        serve(queue, 1); // 4 -> 5: element 4 used
        assertTrue(queue.needsNotification());
        serve(queue, 3); // 5 -> 8, used_event 4 is behind the window (5, 8]
        assertFalse(queue.needsNotification());
        assertFalse(queue.needsNotification());
    }

    @Test
    void eventIdxWindowWrapsAroundSixteenBits() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 8, true, false, INDIRECT, 0xFFFC);
        SplitVirtqueue queue = SplitVirtqueue.create(memory, driver.config());
        queue.restore(0xFFFC, 0xFFFC);
        add(driver, 8);
        serve(queue, 1);
        assertTrue(queue.needsNotification());
        driver.setUsedEvent(0x0001); // interrupt when element 1 (after the wrap) is used
        serve(queue, 3); // 0xFFFD -> 0x0000
        assertFalse(queue.needsNotification());
        serve(queue, 1); // 0x0000 -> 0x0001
        assertFalse(queue.needsNotification());
        serve(queue, 1); // 0x0001 -> 0x0002
        assertTrue(queue.needsNotification());
    }

    @Test
    void linuxDriverRearmingUsedEventGetsOneInterruptPerBatch() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 8, true, false, INDIRECT);
        SplitVirtqueue queue = SplitVirtqueue.create(memory, driver.config());
        add(driver, 6);
        serve(queue, 3);
        assertTrue(queue.needsNotification());
        // The driver takes all three back; each get_buf moves used_event to its last_used_idx.
        for (int i = 0; i < 3; i++) {
            driver.getBuf().orElseThrow();
        }
        serve(queue, 1);
        assertTrue(queue.needsNotification(), "used_event 3 lies in (3, 4]");
        serve(queue, 1);
        assertFalse(queue.needsNotification(), "the driver has not caught up, so no second interrupt");
    }

    @Test
    void eventIdxKickSuppressionUsesAvailEvent() throws Exception {
        TestDriver driver = new TestDriver(memory, RINGS, 8, true, false, INDIRECT);
        SplitVirtqueue queue = SplitVirtqueue.create(memory, driver.config());
        assertFalse(queue.enableNotifications());
        assertEquals(0, driver.availEvent());
        add(driver, 1);
        assertTrue(driver.kickPrepare(), "avail_event 0 asks for a kick at entry 0");

        serve(queue, 1);
        queue.disableNotifications(); // writes nothing with EVENT_IDX
        assertEquals(0, driver.availEvent());
        add(driver, 1);
        assertFalse(driver.kickPrepare(), "avail_event did not move, so no kick for entry 1");

        assertTrue(queue.enableNotifications(), "entry 1 is waiting");
        assertEquals(1, driver.availEvent());
        serve(queue, 1);
        assertFalse(queue.enableNotifications());
        assertEquals(2, driver.availEvent());
        add(driver, 2);
        assertTrue(driver.kickPrepare());
    }
}

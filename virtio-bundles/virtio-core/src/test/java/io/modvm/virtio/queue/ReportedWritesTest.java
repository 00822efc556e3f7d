package io.modvm.virtio.queue;

import static io.modvm.virtio.queue.TestRam.DATA;
import static io.modvm.virtio.queue.TestRam.INDIRECT;
import static io.modvm.virtio.queue.TestRam.RINGS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.testing.StrictGuestMemory;
import io.modvm.virtio.testing.StrictGuestMemory.Written;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A queue writes its used ring, and devices their buffers, through views taken before a migration may have begun
 * to track device writes; the queue reports those writes to the memory, so that a live migration sends them again.
 * Without that, the destination's used ring and the frames a receive queue wrote stay as they were when their pages
 * were first copied.
 */
class ReportedWritesTest {
    private static final int SIZE = 16;

    @Test
    void aPushReportsTheBytesWrittenIntoTheChainAndTheUsedRing() throws Exception {
        StrictGuestMemory memory = TestRam.create();
        TestDriver driver = new TestDriver(memory, RINGS, SIZE, true, true, INDIRECT);
        SplitVirtqueue queue = SplitVirtqueue.create(memory, driver.config());
        driver.add(List.of(new Buf(DATA, 5)), List.of(new Buf(DATA + 0x100, 16), new Buf(DATA + 0x1000, 32)));
        DescriptorChain chain = queue.pop().orElseThrow();
        memory.clearReported();

        queue.push(chain, 20);

        long used = driver.config().usedRing();
        assertEquals(List.of(new Written(DATA + 0x100, 16), new Written(DATA + 0x1000, 4),
                new Written(used + 4, 4), new Written(used + 8, 4), new Written(used + 2, 2)), memory.reported(),
                "the 20 bytes written, across both writable buffers and not the readable one; then the used element "
                        + "(id, len) and the used index");
    }

    @Test
    void askingForKicksReportsTheEventIndexOrTheFlags() throws Exception {
        for (boolean eventIdx : new boolean[] {true, false}) {
            StrictGuestMemory memory = TestRam.create();
            TestDriver driver = new TestDriver(memory, RINGS, SIZE, eventIdx, true, INDIRECT);
            SplitVirtqueue queue = SplitVirtqueue.create(memory, driver.config());
            long used = driver.config().usedRing();
            queue.disableNotifications();
            queue.enableNotifications();
            List<Written> reported = memory.reported();
            Written expected = eventIdx ? new Written(used + SplitRing.availEventOffset(SIZE), 2)
                    : new Written(used, 2);
            assertTrue(reported.contains(expected), (eventIdx ? "avail_event" : "used flags") + ": " + reported);
        }
    }
}

package io.modvm.virtio.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.queue.TestDriver.Used;
import io.modvm.virtio.queue.VirtqueueException;
import io.modvm.virtio.testing.FakeActivation;
import io.modvm.virtio.testing.StrictGuestMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one queue-serving loop and its guest-error policy, with a handler the test scripts. */
class QueueServerTest {
    private static final long RAM = 0x10_0000;
    private static final int RAM_SIZE = 1 << 20;
    private static final long DATA = RAM + 0x8_0000;
    private static final long OUTSIDE_RAM = RAM + RAM_SIZE;

    private final StrictGuestMemory memory = new StrictGuestMemory(new HeapGuestMemory().add(RAM, RAM_SIZE));
    private final TestDriver driver = new TestDriver(memory, RAM, 16, false, true, RAM + 0x1_0000);
    private final TestDriver other = new TestDriver(memory, RAM + 0x2_0000, 16, false, true, RAM + 0x3_0000);
    private final FakeActivation activation;
    private final GuestErrorLog log = new GuestErrorLog("test");
    private final ResetLatch latch;
    private final Handler handler = new Handler();
    private long nextBuffer = DATA;

    /** Writes {@code written} bytes' worth of answer, or does what the test asks of the next chain. */
    private static final class Handler implements ChainHandler {
        final List<DescriptorChain> served = new ArrayList<>();
        boolean ready = true;
        long answer;
        RuntimeException bug;
        int usedFlagsSeen = -1;
        TestDriver watched;

        @Override
        public boolean ready() {
            return ready;
        }

        @Override
        public long serve(DescriptorChain chain) {
            served.add(chain);
            if (watched != null) {
                usedFlagsSeen = watched.usedFlags();
            }
            if (bug != null) {
                throw bug;
            }
            return answer == ChainHandler.KEPT ? ChainHandler.KEPT : Math.min(answer, chain.writableLength());
        }
    }

    QueueServerTest() throws VirtqueueException {
        activation = new FakeActivation(memory, 0).enable(0, driver).enable(1, other);
        latch = new ResetLatch(activation);
    }

    private QueueServer server() {
        return new QueueServer(activation, 0, "testq", handler, latch, log);
    }

    private int request(int writable) {
        Buf buf = new Buf(nextBuffer, writable);
        nextBuffer += 0x100;
        return driver.add(List.of(), List.of(buf));
    }

    @Test
    void everyChainIsServedAndReturnedAndTheDriverInterruptedOncePerBatch() {
        handler.answer = 4;
        int a = request(8);
        int b = request(2);
        assertFalse(server().serve());
        assertEquals(Optional.of(new Used(a, 4)), driver.getBuf());
        assertEquals(Optional.of(new Used(b, 2)), driver.getBuf());
        assertEquals(1, activation.interrupts(0));
        server().serve();
        assertEquals(1, activation.interrupts(0), "nothing returned, no interrupt");
    }

    @Test
    void aMalformedChainGoesBackEmptyAndTheNextIsServed() {
        handler.answer = 1;
        int bad = driver.add(List.of(), List.of(new Buf(OUTSIDE_RAM - 2, 4)));
        int good = request(1);
        server().serve();
        assertEquals(Optional.of(new Used(bad, 0)), driver.getBuf());
        assertEquals(Optional.of(new Used(good, 1)), driver.getBuf());
        assertEquals(1, handler.served.size());
        assertTrue(log.seen("testq chain"));
        assertEquals(List.of(), activation.resetRequests());
    }

    @Test
    void aHandlerBugStillReturnsTheChain() {
        handler.bug = new IllegalStateException("bug");
        int head = request(8);
        server().serve();
        assertEquals(Optional.of(new Used(head, 0)), driver.getBuf());
        assertTrue(log.seen("testq handler"));
        assertEquals(List.of(), activation.resetRequests());
    }

    @Test
    void aBrokenRingAsksForOneResetAndEveryQueueSharingTheLatchStops() {
        QueueServer broken = server();
        QueueServer sibling = new QueueServer(activation, 1, "otherq", handler, latch, log);
        driver.setAvailIdx(16 + 3);
        other.add(List.of(), List.of(new Buf(DATA, 8)));
        broken.serve();
        assertEquals(1, activation.resetRequests().size());
        assertTrue(activation.resetRequests().get(0).startsWith("testq: AVAIL_INDEX_JUMP"),
                activation.resetRequests()::toString);
        long accesses = memory.accesses();
        byte[] ram = memory.contents(RAM, RAM_SIZE);
        sibling.serve();
        broken.serve();
        assertEquals(accesses, memory.accesses(), "a queue of a device that needs a reset was touched");
        assertArrayEquals(ram, memory.contents(RAM, RAM_SIZE), "a device that needs a reset wrote to guest RAM");
        assertTrue(sibling.stopped());
        assertEquals(1, activation.resetRequests().size());
    }

    @Test
    void aKeptChainWaitsUntilTheHandlerCompletesIt() {
        handler.answer = ChainHandler.KEPT;
        int head = request(8);
        QueueServer server = server();
        server.serve();
        assertEquals(0, driver.usedIdx());
        assertEquals(0, activation.interrupts(0));
        server.complete(handler.served.get(0), 3);
        assertEquals(Optional.of(new Used(head, 3)), driver.getBuf());
        assertEquals(1, activation.interrupts(0));
    }

    @Test
    void chainsWaitOnTheRingWhileTheHandlerIsNotReady() {
        handler.ready = false;
        request(8);
        server().serve();
        assertEquals(List.of(), handler.served);
        handler.ready = true;
        server().serve();
        assertEquals(1, handler.served.size());
    }

    @Test
    void aLimitPerCallLeavesTheRestForTheWorkersNextRound() {
        for (int i = 0; i < 5; i++) {
            request(8);
        }
        QueueServer server = server().limitPerCall(2);
        assertTrue(server.serve());
        assertEquals(2, driver.usedIdx());
        assertEquals(1, activation.interrupts(0), "the chains returned are signalled before returning");
        server.run();
        assertEquals(4, driver.usedIdx());
        assertTrue(activation.kicks(0).await(0) > 0, "run() did not wake the worker for the rest");
        server.run();
        assertEquals(5, driver.usedIdx());
        assertEquals(0, activation.kicks(0).await(0), "the ring is empty: no wake-up");
    }

    @Test
    void kicksAreSuppressedWhileABatchIsServedAndBackAfterIt() {
        handler.watched = driver;
        request(8);
        server().suppressKicksWhileDraining().serve();
        assertEquals(1, handler.usedFlagsSeen, "VIRTQ_USED_F_NO_NOTIFY while the batch is served");
        assertEquals(0, driver.usedFlags());
        assertTrue(driver.kickPrepare());
    }

    @Test
    void aHeldChainIsTakenBackAfterARestoreUnlessTheSavedHeadIsNotInFlight() {
        int head = request(8);
        activation.queue(0).restore(1, 0, 1);
        QueueServer server = server();
        DescriptorChain chain = server.retake(head);
        assertEquals(head, chain.head());
        server.complete(chain, 0);
        assertEquals(Optional.of(new Used(head, 0)), driver.getBuf());
        assertNull(server.retake(head), "nothing is in flight any more");
        assertTrue(log.seen("testq restore"));
    }
}

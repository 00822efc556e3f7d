package io.modvm.virtio.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.ResetLatch;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.VirtqueueException;
import io.modvm.virtio.testing.FakeActivation;
import io.modvm.virtio.testing.HostileRing;
import io.modvm.virtio.testing.SeededFuzz;
import io.modvm.virtio.testing.StrictGuestMemory;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeded fuzzing of both console queues. Each iteration lays out a receiveq and a transmitq as a driver would, with
 * buffers that are often bad (at RAM's edges, across them, in the hole, empty, 4 GiB long), scribbles on
 * descriptors and ring indexes, then lets host input arrive and serves both queues for a few rounds while the
 * "guest" keeps scribbling.
 *
 * <p>Invariants: nothing escapes {@code serve()}; every guest-memory access stays in RAM ({@link StrictGuestMemory}
 * throws an Error otherwise); every input byte that left the buffer is accounted for by the lengths on the used
 * ring, so nothing is lost or invented; transmit requests come back with 0 bytes written; after DEVICE_NEEDS_RESET
 * the queues are not touched; nothing hangs (the timeout). {@code -Dmodvm.fuzz.iterations=N} runs longer; a failure
 * names its seed for {@code -Dmodvm.fuzz.seed=S}.
 */
class ConsoleQueueFuzzTest {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleQueueFuzzTest.class);
    private static final long SEED = 0x636F_6E73_6F6CL;

    private static final long RX_RINGS = HostileRing.RAM_A;
    private static final long TX_RINGS = HostileRing.RAM_A + 0x4000;
    private static final long RX_INDIRECT = HostileRing.RAM_A + 0x8000;
    private static final long TX_INDIRECT = HostileRing.RAM_A + 0x2_8000;
    private static final HostileRing GUEST = new HostileRing(128, 1 << 16, 256);

    /** One log for the run, so each kind of guest error is logged once rather than once per iteration. */
    private final GuestErrorLog log = new GuestErrorLog("fuzz");
    private long delivered;
    private long output;
    private long resets;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void hostileQueuesNeverEscapeTheDevice() throws Exception {
        int iterations = SeededFuzz.iterations(4000);
        StrictGuestMemory memory = HostileRing.memory();
        long start = System.nanoTime();
        if (!SeededFuzz.run(SEED, iterations, rnd -> iteration(rnd, memory))) {
            return;
        }
        LOG.info("console fuzz: {} iterations in {} ms, {} bytes delivered, {} bytes of output, {} resets",
                iterations, (System.nanoTime() - start) / 1_000_000, delivered, output, resets);
        if (iterations >= 1000) {
            // A fuzzer that never reaches the paths it is about proves nothing.
            assertTrue(delivered > 0, "no input was ever delivered");
            assertTrue(output > 0, "no output ever left");
            assertTrue(resets > 0, "no queue ever broke");
        }
    }

    private void iteration(Random rnd, StrictGuestMemory memory) throws VirtqueueException {
        int size = 1 << rnd.nextInt(7);
        TestDriver rxDriver = new TestDriver(memory, RX_RINGS, size, rnd.nextBoolean(), rnd.nextBoolean(),
                RX_INDIRECT);
        TestDriver txDriver = new TestDriver(memory, TX_RINGS, size, rnd.nextBoolean(), rnd.nextBoolean(),
                TX_INDIRECT);
        GUEST.addRequests(rnd, rxDriver, true);
        GUEST.addRequests(rnd, txDriver, false);
        GUEST.scribble(rnd, memory, rxDriver);
        GUEST.scribble(rnd, memory, txDriver);

        SplitVirtqueue rxQueue = SplitVirtqueue.create(memory, rxDriver.config());
        SplitVirtqueue txQueue = SplitVirtqueue.create(memory, txDriver.config());
        FakeActivation activation = new FakeActivation(memory, 0, rxQueue, txQueue);
        ResetLatch latch = new ResetLatch(activation);
        RecordingBackend backend = new RecordingBackend();
        ByteRing input = new ByteRing(1 + rnd.nextInt(512));
        ConsoleReceiveQueue rx = new ConsoleReceiveQueue(activation, input, () -> { }, latch, log);
        ConsoleTransmitQueue tx = new ConsoleTransmitQueue(activation, backend, latch, log);

        long offered = 0;
        int rxUsedSeen = rxDriver.usedIdx();
        int txUsedSeen = txDriver.usedIdx();
        int rounds = 1 + rnd.nextInt(4);
        for (int round = 0; round < rounds; round++) {
            byte[] typed = new byte[rnd.nextInt(300)];
            rnd.nextBytes(typed);
            offered += input.offer(typed, 0, typed.length);
            boolean stoppedBefore = latch.tripped();
            long accessesBefore = memory.accesses();
            byte[] ramBefore = stoppedBefore ? HostileRing.contents(memory) : null;
            rx.serve();
            tx.serve();
            if (stoppedBefore) {
                assertEquals(accessesBefore, memory.accesses(), "queues touched after DEVICE_NEEDS_RESET");
                assertArrayEquals(ramBefore, HostileRing.contents(memory), "RAM written after DEVICE_NEEDS_RESET");
            }
            long reported = 0;
            for (; rxUsedSeen != rxDriver.usedIdx(); rxUsedSeen = (rxUsedSeen + 1) & 0xFFFF) {
                reported += rxDriver.usedLength(rxUsedSeen);
            }
            for (; txUsedSeen != txDriver.usedIdx(); txUsedSeen = (txUsedSeen + 1) & 0xFFFF) {
                assertEquals(0, txDriver.usedLength(txUsedSeen), "transmit request wrote bytes");
            }
            long taken = offered - input.size();
            delivered += reported;
            offered -= taken;
            assertEquals(taken, reported, "input taken from the buffer differs from what the used ring reports");
            if (rnd.nextInt(3) == 0) {
                GUEST.scribble(rnd, memory, rnd.nextBoolean() ? rxDriver : txDriver);
            }
        }
        output += backend.output().length();
        resets += activation.resetRequests().size();
        assertTrue(activation.resetRequests().size() <= 1, "more than one reset asked for");
    }
}

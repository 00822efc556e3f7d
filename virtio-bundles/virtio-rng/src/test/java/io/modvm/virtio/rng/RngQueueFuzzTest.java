package io.modvm.virtio.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.testing.FakeActivation;
import io.modvm.virtio.testing.HostileRing;
import io.modvm.virtio.testing.SeededFuzz;
import io.modvm.virtio.testing.StrictGuestMemory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeded fuzzing of the requestq. Each iteration lays out a queue as a driver would, with buffers that are often
 * bad (at RAM's edges, across them, in the hole, empty, 4 GiB long, device-readable), scribbles on descriptors and
 * ring indexes, then serves it for a few rounds under a random rate limit while a test clock jumps periods ahead
 * and the "guest" keeps scribbling.
 *
 * <p>Invariants: nothing escapes {@code serve()}; every guest-memory access stays in RAM ({@link StrictGuestMemory}
 * throws an Error otherwise); no period gives more than {@code max-bytes}, and no request more than the cap; after
 * DEVICE_NEEDS_RESET the queue is not touched; nothing hangs. {@code -Dmodvm.fuzz.iterations=N} runs longer; a
 * failure names its seed for {@code -Dmodvm.fuzz.seed=S}.
 */
class RngQueueFuzzTest {
    private static final Logger LOG = LoggerFactory.getLogger(RngQueueFuzzTest.class);
    private static final long SEED = 0x726E_6766_757AL;
    private static final long PERIOD = 1_000_000_000L;

    private static final long RINGS = HostileRing.RAM_A;
    private static final long INDIRECT = HostileRing.RAM_A + 0x8000;
    private static final HostileRing GUEST = new HostileRing(256, 1 << 17, 512);

    /** Cheap deterministic bytes: the fuzzer is about the queue, not about entropy. */
    private static final EntropySource PATTERN = new EntropySource() {
        @Override
        public void fill(ByteBuffer buffer) {
            while (buffer.hasRemaining()) {
                buffer.put((byte) buffer.position());
            }
        }

        @Override
        public void close() {
        }
    };

    /** One log for the run, so each kind of guest error is logged once rather than once per iteration. */
    private final GuestErrorLog log = new GuestErrorLog("virtio-rng test");
    private long given;
    private long resets;
    private long limitedWaits;
    private long now;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void hostileQueuesNeverEscapeTheDevice() throws Exception {
        int iterations = SeededFuzz.iterations(6000);
        StrictGuestMemory memory = HostileRing.memory();
        long start = System.nanoTime();
        if (!SeededFuzz.run(SEED, iterations, rnd -> iteration(rnd, memory))) {
            return;
        }
        LOG.info("rng fuzz: {} iterations in {} ms, {} bytes given, {} waits for the quota, {} resets", iterations,
                (System.nanoTime() - start) / 1_000_000, given, limitedWaits, resets);
        if (iterations >= 1000) {
            assertTrue(given > 0, "no request was ever filled");
            assertTrue(limitedWaits > 0, "the rate limit never held a request");
            assertTrue(resets > 0, "no queue ever broke");
        }
    }

    private void iteration(Random rnd, StrictGuestMemory memory) throws Exception {
        int size = 1 << rnd.nextInt(7);
        TestDriver driver = new TestDriver(memory, RINGS, size, rnd.nextBoolean(), rnd.nextBoolean(), INDIRECT);
        GUEST.addRequests(rnd, driver, true);
        GUEST.scribble(rnd, memory, driver);
        long maxBytes = rnd.nextBoolean() ? Long.MAX_VALUE : 1 + rnd.nextInt(4096);
        List<Long> waits = new ArrayList<>();
        FakeActivation activation = new FakeActivation(memory, 0, SplitVirtqueue.create(memory, driver.config()));
        RngQueue requests = new RngQueue(activation, PATTERN, new RateLimit(maxBytes, PERIOD, () -> now), waits::add,
                log);

        int usedSeen = driver.usedIdx();
        long givenThisPeriod = 0;
        int rounds = 1 + rnd.nextInt(4);
        for (int round = 0; round < rounds; round++) {
            boolean stoppedBefore = !activation.resetRequests().isEmpty();
            long accessesBefore = memory.accesses();
            byte[] ramBefore = stoppedBefore ? HostileRing.contents(memory) : null;
            requests.serve();
            if (stoppedBefore) {
                assertEquals(accessesBefore, memory.accesses(), "queue touched after DEVICE_NEEDS_RESET");
                assertArrayEquals(ramBefore, HostileRing.contents(memory), "RAM written after DEVICE_NEEDS_RESET");
            }
            for (; usedSeen != driver.usedIdx(); usedSeen = (usedSeen + 1) & 0xFFFF) {
                long length = driver.usedLength(usedSeen);
                assertTrue(length <= RngQueue.MAX_PER_REQUEST, "request given " + length);
                givenThisPeriod += length;
                given += length;
            }
            assertTrue(givenThisPeriod <= maxBytes, givenThisPeriod + " bytes in a period of " + maxBytes);
            if (rnd.nextBoolean()) {
                // Jump at least a period, so that the next request starts a fresh one.
                now += PERIOD + rnd.nextInt(1000);
                givenThisPeriod = 0;
            }
            if (rnd.nextInt(3) == 0) {
                GUEST.addRequests(rnd, driver, true);
                GUEST.scribble(rnd, memory, driver);
            }
        }
        limitedWaits += waits.size();
        resets += activation.resetRequests().size();
        assertTrue(activation.resetRequests().size() <= 1, "more than one reset asked for");
        assertTrue(waits.stream().allMatch(w -> w >= 0 && w <= PERIOD), "odd wake-up delay " + waits);
    }
}

package io.modvm.virtio.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.TestDriver.Buf;
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
 * <p>Invariants: nothing escapes {@code serve()}; every guest-memory access stays in RAM ({@link RamGuard} throws
 * an Error otherwise); no period gives more than {@code max-bytes}, and no request more than the cap; after
 * DEVICE_NEEDS_RESET the queue is not touched; nothing hangs. {@code -Dmodvm.fuzz.iterations=N} runs longer; a
 * failure names its seed for {@code -Dmodvm.fuzz.seed=S}.
 */
class EntropyRequestsFuzzTest {
    private static final Logger LOG = LoggerFactory.getLogger(EntropyRequestsFuzzTest.class);
    private static final long SEED = 0x726E_6766_757AL;
    private static final long PERIOD = 1_000_000_000L;

    private static final long RAM_A = 0x10_0000;
    private static final int RAM_A_SIZE = 1 << 20;
    private static final long RAM_A_END = RAM_A + RAM_A_SIZE;
    private static final long RAM_B = 0x80_0000;
    private static final int RAM_B_SIZE = 16 << 10;
    private static final long RINGS = RAM_A;
    private static final long INDIRECT = RAM_A + 0x8000;
    private static final long DATA = RAM_A + 0x5_0000;

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

    private long given;
    private long resets;
    private long limitedWaits;
    private long now;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void hostileQueuesNeverEscapeTheDevice() throws Exception {
        int iterations = Integer.parseInt(System.getProperty("modvm.fuzz.iterations", "6000"));
        RamGuard memory = new RamGuard(new HeapGuestMemory().add(RAM_A, RAM_A_SIZE).add(RAM_B, RAM_B_SIZE));
        String replay = System.getProperty("modvm.fuzz.seed");
        if (replay != null) {
            iteration(new Random(Long.parseLong(replay)), memory);
            return;
        }
        Random seeds = new Random(SEED);
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            long seed = seeds.nextLong();
            try {
                iteration(new Random(seed), memory);
            } catch (Throwable t) {
                throw new AssertionError("fuzz iteration " + i + " failed; replay with -Dmodvm.fuzz.seed=" + seed, t);
            }
        }
        LOG.info("rng fuzz: {} iterations in {} ms, {} bytes given, {} waits for the quota, {} resets", iterations,
                (System.nanoTime() - start) / 1_000_000, given, limitedWaits, resets);
        if (iterations >= 1000) {
            assertTrue(given > 0, "no request was ever filled");
            assertTrue(limitedWaits > 0, "the rate limit never held a request");
            assertTrue(resets > 0, "no queue ever broke");
        }
    }

    private void iteration(Random rnd, RamGuard memory) throws Exception {
        int size = 1 << rnd.nextInt(7);
        TestDriver driver = new TestDriver(memory, RINGS, size, rnd.nextBoolean(), rnd.nextBoolean(), INDIRECT);
        addRequests(rnd, driver);
        scribble(rnd, memory, driver, size);
        long maxBytes = rnd.nextBoolean() ? Long.MAX_VALUE : 1 + rnd.nextInt(4096);
        List<String> resetReasons = new ArrayList<>();
        List<Long> waits = new ArrayList<>();
        SplitVirtqueue queue = SplitVirtqueue.create(memory, driver.config());
        EntropyRequests requests = new EntropyRequests("virtio-rng test", memory, queue, PATTERN,
                new RateLimit(maxBytes, PERIOD, () -> now), () -> { }, resetReasons::add, waits::add);

        int usedSeen = driver.usedIdx();
        long givenThisPeriod = 0;
        int rounds = 1 + rnd.nextInt(4);
        for (int round = 0; round < rounds; round++) {
            boolean stoppedBefore = !resetReasons.isEmpty();
            long accessesBefore = memory.accesses();
            requests.serve();
            if (stoppedBefore) {
                assertEquals(accessesBefore, memory.accesses(), "queue touched after DEVICE_NEEDS_RESET");
            }
            for (; usedSeen != driver.usedIdx(); usedSeen = (usedSeen + 1) & 0xFFFF) {
                long length = Integer.toUnsignedLong(
                        memory.readInt(driver.usedRing() + 4 + 8L * (usedSeen & (size - 1)) + 4));
                assertTrue(length <= EntropyRequests.MAX_PER_REQUEST, "request given " + length);
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
                addRequests(rnd, driver);
                scribble(rnd, memory, driver, size);
            }
        }
        limitedWaits += waits.size();
        resets += resetReasons.size();
        assertTrue(resetReasons.size() <= 1, "more than one reset asked for");
        assertTrue(waits.stream().allMatch(w -> w >= 0 && w <= PERIOD), "odd wake-up delay " + waits);
    }

    private static void addRequests(Random rnd, TestDriver driver) {
        int requests = rnd.nextInt(driver.numFree() + 1);
        for (int r = 0; r < requests && driver.numFree() > 0; r++) {
            int bufs = 1 + rnd.nextInt(3);
            List<Buf> out = new ArrayList<>();
            List<Buf> in = new ArrayList<>();
            for (int b = 0; b < bufs; b++) {
                (rnd.nextInt(6) != 0 ? in : out).add(buffer(rnd));
            }
            if (rnd.nextBoolean()) {
                driver.addIndirect(out, in);
            } else if (bufs <= driver.numFree()) {
                driver.add(out, in);
            }
        }
    }

    private static Buf buffer(Random rnd) {
        int length = switch (rnd.nextInt(12)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> 1 + rnd.nextInt(1 << 17);
            default -> 1 + rnd.nextInt(256);
        };
        long address = switch (rnd.nextInt(12)) {
            case 0 -> RAM_A_END - rnd.nextInt(512);
            case 1 -> RAM_B + RAM_B_SIZE - rnd.nextInt(512);
            case 2 -> RAM_A_END + rnd.nextInt(1 << 20);
            case 3 -> rnd.nextLong();
            case 4 -> RAM_B + rnd.nextInt(RAM_B_SIZE);
            default -> DATA + rnd.nextInt(0x1_0000);
        };
        return new Buf(address, length);
    }

    /** The guest writes nonsense into a descriptor, the available ring or its index. */
    private static void scribble(Random rnd, RamGuard memory, TestDriver driver, int size) {
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            switch (rnd.nextInt(4)) {
                case 0 -> driver.writeDescriptor(rnd.nextInt(size), buffer(rnd).address(), buffer(rnd).length(),
                        rnd.nextInt(8), rnd.nextInt(2 * size));
                case 1 -> memory.writeShort(driver.availRing() + 4 + 2L * rnd.nextInt(size),
                        (short) (rnd.nextInt(8) == 0 ? rnd.nextInt(0x10000) : rnd.nextInt(size)));
                case 2 -> driver.setAvailIdx(rnd.nextInt(4) == 0 ? rnd.nextInt(0x10000)
                        : (driver.usedIdx() + rnd.nextInt(size + 1)) & 0xFFFF);
                default -> driver.setAvailFlags(rnd.nextInt(4));
            }
        }
    }
}

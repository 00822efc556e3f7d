package io.modvm.virtio.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.queue.VirtqueueException;
import java.util.ArrayList;
import java.util.List;
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
 * <p>Invariants: nothing escapes {@code serve()}; every guest-memory access stays in RAM ({@link RamGuard} throws
 * an Error otherwise); every input byte that left the buffer is accounted for by the lengths on the used ring, so
 * nothing is lost or invented; transmit requests come back with 0 bytes written; after DEVICE_NEEDS_RESET the
 * queues are not touched; nothing hangs (the timeout). {@code -Dmodvm.fuzz.iterations=N} runs longer; a failure
 * names its seed for {@code -Dmodvm.fuzz.seed=S}.
 */
class ConsoleQueueFuzzTest {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleQueueFuzzTest.class);
    private static final long SEED = 0x636F_6E73_6F6CL;

    private static final long RAM_A = 0x10_0000;
    private static final int RAM_A_SIZE = 1 << 20;
    private static final long RAM_A_END = RAM_A + RAM_A_SIZE;
    private static final long RAM_B = 0x80_0000;
    private static final int RAM_B_SIZE = 16 << 10;
    private static final long RX_RINGS = RAM_A;
    private static final long TX_RINGS = RAM_A + 0x4000;
    private static final long RX_INDIRECT = RAM_A + 0x8000;
    private static final long TX_INDIRECT = RAM_A + 0x2_8000;
    private static final long DATA = RAM_A + 0x5_0000;

    private long delivered;
    private long output;
    private long resets;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void hostileQueuesNeverEscapeTheDevice() throws Exception {
        int iterations = Integer.parseInt(System.getProperty("modvm.fuzz.iterations", "4000"));
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
        LOG.info("console fuzz: {} iterations in {} ms, {} bytes delivered, {} bytes of output, {} resets",
                iterations, (System.nanoTime() - start) / 1_000_000, delivered, output, resets);
        if (iterations >= 1000) {
            // A fuzzer that never reaches the paths it is about proves nothing.
            assertTrue(delivered > 0, "no input was ever delivered");
            assertTrue(output > 0, "no output ever left");
            assertTrue(resets > 0, "no queue ever broke");
        }
    }

    private void iteration(Random rnd, RamGuard memory) throws VirtqueueException {
        int size = 1 << rnd.nextInt(7);
        TestDriver rxDriver = new TestDriver(memory, RX_RINGS, size, rnd.nextBoolean(), rnd.nextBoolean(),
                RX_INDIRECT);
        TestDriver txDriver = new TestDriver(memory, TX_RINGS, size, rnd.nextBoolean(), rnd.nextBoolean(),
                TX_INDIRECT);
        addRequests(rnd, rxDriver, true);
        addRequests(rnd, txDriver, false);
        scribble(rnd, memory, rxDriver, size);
        scribble(rnd, memory, txDriver, size);

        SplitVirtqueue rxQueue = SplitVirtqueue.create(memory, rxDriver.config());
        SplitVirtqueue txQueue = SplitVirtqueue.create(memory, txDriver.config());
        FakeActivation activation = new FakeActivation(memory, 0, rxQueue, txQueue);
        GuestErrors errors = new GuestErrors("fuzz", activation, 2);
        RecordingBackend backend = new RecordingBackend();
        ByteRing input = new ByteRing(1 + rnd.nextInt(512));
        ReceiveQueue rx = new ReceiveQueue(memory, rxQueue, input, () -> { }, errors);
        TransmitQueue tx = new TransmitQueue(memory, txQueue, backend, errors);

        long offered = 0;
        int rxUsedSeen = rxDriver.usedIdx();
        int txUsedSeen = txDriver.usedIdx();
        int rounds = 1 + rnd.nextInt(4);
        for (int round = 0; round < rounds; round++) {
            byte[] typed = new byte[rnd.nextInt(300)];
            rnd.nextBytes(typed);
            offered += input.offer(typed, 0, typed.length);
            boolean stoppedBefore = errors.stopped();
            long accessesBefore = memory.accesses();
            rx.serve();
            tx.serve();
            if (stoppedBefore) {
                assertEquals(accessesBefore, memory.accesses(), "queues touched after DEVICE_NEEDS_RESET");
            }
            long reported = 0;
            for (; rxUsedSeen != rxDriver.usedIdx(); rxUsedSeen = (rxUsedSeen + 1) & 0xFFFF) {
                reported += usedLength(memory, rxDriver, size, rxUsedSeen);
            }
            for (; txUsedSeen != txDriver.usedIdx(); txUsedSeen = (txUsedSeen + 1) & 0xFFFF) {
                assertEquals(0, usedLength(memory, txDriver, size, txUsedSeen), "transmit request wrote bytes");
            }
            long taken = offered - input.size();
            delivered += reported;
            offered -= taken;
            assertEquals(taken, reported, "input taken from the buffer differs from what the used ring reports");
            if (rnd.nextInt(3) == 0) {
                scribble(rnd, memory, rnd.nextBoolean() ? rxDriver : txDriver, size);
            }
        }
        output += backend.output().length();
        resets += activation.resetReasons().size();
        assertTrue(activation.resetReasons().size() <= 1, "more than one reset asked for");
    }

    private static long usedLength(RamGuard memory, TestDriver driver, int size, int index) {
        return Integer.toUnsignedLong(memory.readInt(driver.usedRing() + 4 + 8L * (index & (size - 1)) + 4));
    }

    private static void addRequests(Random rnd, TestDriver driver, boolean receive) {
        int requests = rnd.nextInt(driver.numFree() + 1);
        for (int r = 0; r < requests && driver.numFree() > 0; r++) {
            int bufs = 1 + rnd.nextInt(3);
            List<Buf> out = new ArrayList<>();
            List<Buf> in = new ArrayList<>();
            for (int b = 0; b < bufs; b++) {
                // Mostly the right direction for the queue, sometimes the wrong one.
                (receive == (rnd.nextInt(6) != 0) ? in : out).add(buffer(rnd));
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
            case 2 -> 1 + rnd.nextInt(1 << 16);
            default -> 1 + rnd.nextInt(128);
        };
        long address = switch (rnd.nextInt(12)) {
            case 0 -> RAM_A_END - rnd.nextInt(256);
            case 1 -> RAM_B + RAM_B_SIZE - rnd.nextInt(256);
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

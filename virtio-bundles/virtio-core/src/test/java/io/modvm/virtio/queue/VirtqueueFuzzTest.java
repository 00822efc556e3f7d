package io.modvm.virtio.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.testing.SeededFuzz;
import io.modvm.virtio.testing.StrictGuestMemory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Structure-aware fuzzing of the device side. Each iteration lays out a random queue in guest memory, either as a
 * Linux-like driver would with a few fields then corrupted, or from descriptors built field by field with biased
 * values (indexes near the table's end, addresses at RAM's edges and in holes, lengths of 0 and 2^32 - 1, every
 * flag combination, indirect tables inside indirect tables); then drives the queue as a device would while the
 * "guest" keeps scribbling on the rings.
 *
 * <p>Invariants: nothing but {@link VirtqueueException} leaves the queue; every guest-memory access stays in RAM
 * ({@link StrictGuestMemory} throws an Error otherwise, which no handler in the queue can swallow); every chain
 * handed out lies in RAM, fits in 32 bits and has consistent lengths; a broken queue refuses work; nothing hangs
 * (the timeout). The seed is fixed, and a failure names its iteration's seed for {@code -Dmodvm.fuzz.seed=S}.
 * {@code -Dmodvm.fuzz.iterations=N} runs longer.
 */
class VirtqueueFuzzTest {
    private static final Logger LOG = LoggerFactory.getLogger(VirtqueueFuzzTest.class);
    private static final long SEED = 0x6D6F_6476_6D51L;

    private static final long RAM_A = 0x10_0000;
    private static final int RAM_A_SIZE = 2 << 20;
    private static final long RAM_B = 0x80_0000;
    private static final int RAM_B_SIZE = 16 << 10;
    private static final long RINGS = RAM_A;
    private static final long INDIRECT = RAM_A + 0x1_0000;
    private static final long DATA = RAM_A + 0x11_0000;
    private static final long DATA_END = RAM_A + RAM_A_SIZE;

    /** Counters for one run; kept in the test instance, never static. */
    private final Map<VirtqueueError, Integer> errors = new EnumMap<>(VirtqueueError.class);
    private long chains;
    private long segments;
    private long notifications;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void randomRingStatesOnlyEverYieldTypedErrors() throws Exception {
        int iterations = SeededFuzz.iterations(20000);
        StrictGuestMemory memory = new StrictGuestMemory(
                new HeapGuestMemory().add(RAM_A, RAM_A_SIZE).add(RAM_B, RAM_B_SIZE));
        long start = System.nanoTime();
        // A replay starts from zeroed guest memory, whereas in the run it held what earlier iterations left; layouts
        // overwrite everything the queue reads, so that rarely matters.
        if (!SeededFuzz.run(SEED, iterations, rnd -> iteration(rnd, memory))) {
            return;
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        LOG.info("virtqueue fuzz: {} iterations in {} ms, {} chains ({} segments), {} interrupts, {} memory accesses,"
                + " errors {}", iterations, millis, chains, segments, notifications, memory.accesses(), errors);

        if (iterations >= 20_000) {
            // A fuzzer that never reaches an error path proves nothing: require that it reached each one that random
            // layouts can reach (CHAIN_TOO_LONG needs 4 GiB of buffers, the *_FAULT kinds need RAM to change).
            Set<VirtqueueError> unreachable = EnumSet.of(VirtqueueError.CHAIN_TOO_LONG, VirtqueueError.CHAIN_FAULT,
                    VirtqueueError.CHAIN_TOO_SHORT, VirtqueueError.RING_FAULT);
            for (VirtqueueError e : VirtqueueError.values()) {
                if (!unreachable.contains(e)) {
                    assertTrue(errors.getOrDefault(e, 0) > 0, "the fuzzer never produced " + e);
                }
            }
            assertTrue(chains > iterations, "too few well-formed chains: " + chains);
        }
    }

    private void iteration(Random rnd, StrictGuestMemory memory) {
        boolean eventIdx = rnd.nextBoolean();
        boolean indirect = rnd.nextInt(4) != 0;
        int size = 1 << rnd.nextInt(9);
        Layout layout = rnd.nextBoolean()
                ? linuxLayout(rnd, memory, size, eventIdx, indirect)
                : randomLayout(rnd, memory, size, eventIdx, indirect);
        QueueConfig config = layout.config();
        if (rnd.nextInt(20) == 0) {
            config = corruptConfig(rnd, config);
        }
        SplitVirtqueue queue;
        try {
            queue = SplitVirtqueue.create(memory, config);
        } catch (VirtqueueException e) {
            assertEquals(VirtqueueError.Scope.CONFIG, e.error().scope());
            count(e);
            return;
        }
        // The device resumes where the driver's indexes began, as after a migration; the used index is arbitrary
        // because only the device reads it back.
        queue.restore(layout.availStart(), rnd.nextInt(0x10000));
        drive(rnd, memory, queue, config);
    }

    /** A queue laid out in guest memory, and the available index the device should start from. */
    private record Layout(QueueConfig config, int availStart) {
    }

    /** A Linux-like driver fills the queue correctly; then a few fields are corrupted. */
    private static Layout linuxLayout(Random rnd, StrictGuestMemory memory, int size, boolean eventIdx,
            boolean indirect) {
        int start = rnd.nextInt(0x10000);
        TestDriver driver = new TestDriver(memory, RINGS, size, eventIdx, indirect, INDIRECT, start);
        int requests = rnd.nextInt(size + 1);
        for (int r = 0; r < requests && driver.numFree() > 0; r++) {
            int outs = rnd.nextInt(3);
            int ins = (outs == 0 ? 1 : 0) + rnd.nextInt(3);
            List<Buf> out = buffers(rnd, outs);
            List<Buf> in = buffers(rnd, ins);
            if (indirect && rnd.nextBoolean()) {
                driver.addIndirect(out, in);
            } else if (out.size() + in.size() <= driver.numFree()) {
                driver.add(out, in);
            }
        }
        QueueConfig config = driver.config();
        int mutations = rnd.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            scribble(rnd, memory, config);
        }
        return new Layout(config, start);
    }

    private static List<Buf> buffers(Random rnd, int n) {
        List<Buf> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int length = 1 + rnd.nextInt(512);
            list.add(new Buf(DATA + rnd.nextInt((int) (DATA_END - DATA - length)), length));
        }
        return list;
    }

    /** Descriptors, indirect tables and the available ring built field by field from biased random values. */
    private static Layout randomLayout(Random rnd, StrictGuestMemory memory, int size, boolean eventIdx,
            boolean indirect) {
        long desc = RINGS + 16L * rnd.nextInt(64);
        long avail = desc + 16L * size + 2L * rnd.nextInt(8);
        long used = TestDriver.alignUp(avail + 6 + 2L * size, 4) + 4L * rnd.nextInt(8);
        QueueConfig config = new QueueConfig(size, desc, avail, used, eventIdx, indirect);
        for (int i = 0; i < size; i++) {
            writeRandomDescriptor(rnd, memory, desc, i, size, true);
        }
        int start = rnd.nextInt(0x10000);
        int pending = switch (rnd.nextInt(10)) {
            case 0 -> rnd.nextInt(0x10000);
            case 1 -> size + 1 + rnd.nextInt(4);
            default -> rnd.nextInt(size + 1);
        };
        for (int k = 0; k < size; k++) {
            int head = rnd.nextInt(64) == 0 ? rnd.nextInt(0x10000) : rnd.nextInt(size);
            memory.writeShort(avail + 4 + 2L * k, (short) head);
        }
        memory.writeShort(avail, (short) rnd.nextInt(4));
        memory.writeShort(avail + 2, (short) (start + pending));
        if (eventIdx) {
            memory.writeShort(avail + 4 + 2L * size, (short) rnd.nextInt(0x10000));
        }
        return new Layout(config, start);
    }

    private static void writeRandomDescriptor(Random rnd, StrictGuestMemory memory, long table, int index,
            int entries, boolean outer) {
        int flags = 0;
        if (rnd.nextInt(3) != 0) {
            flags |= SplitRing.DESC_F_NEXT;
        }
        if (rnd.nextInt(3) == 0) {
            flags |= SplitRing.DESC_F_WRITE;
        }
        boolean makeIndirect = rnd.nextInt(outer ? 6 : 20) == 0;
        if (makeIndirect) {
            flags |= SplitRing.DESC_F_INDIRECT;
            if (rnd.nextInt(3) != 0) {
                flags &= ~SplitRing.DESC_F_NEXT;
            }
        }
        if (rnd.nextInt(20) == 0) {
            flags |= rnd.nextInt(0x10000) & ~7;
        }
        int next = switch (rnd.nextInt(10)) {
            case 0 -> rnd.nextInt(0x10000);
            case 1, 2, 3 -> (index + 1) % Math.max(1, entries);
            case 4 -> entries;
            default -> rnd.nextInt(entries);
        };
        long address;
        long length;
        if (makeIndirect) {
            int tableEntries = 1 + rnd.nextInt(Math.min(entries, 8));
            address = INDIRECT + 16L * 16 * rnd.nextInt(256);
            length = 16L * tableEntries;
            switch (rnd.nextInt(12)) {
                case 0 -> length = 0;
                case 1 -> length += 1 + rnd.nextInt(15);
                case 2 -> length = 16L * (entries + 1 + rnd.nextInt(4));
                case 3 -> address = randomAddress(rnd, (int) length);
                default -> {
                    if (outer) {
                        for (int i = 0; i < tableEntries; i++) {
                            writeRandomDescriptor(rnd, memory, address, i, tableEntries, false);
                        }
                    }
                }
            }
        } else {
            length = switch (rnd.nextInt(12)) {
                case 0 -> 0;
                case 1 -> 0xFFFF_FFFFL;
                case 2 -> rnd.nextInt() & 0xFFFF_FFFFL;
                default -> 1 + rnd.nextInt(4096);
            };
            address = randomAddress(rnd, (int) Math.min(length, 4096));
        }
        long at = table + 16L * index;
        memory.writeLong(at, address);
        memory.writeInt(at + 8, (int) length);
        memory.writeShort(at + 12, (short) flags);
        memory.writeShort(at + 14, (short) next);
    }

    /** Mostly valid buffer addresses, and a fair share at RAM's edges, in holes and at the top of the space. */
    private static long randomAddress(Random rnd, int length) {
        return switch (rnd.nextInt(16)) {
            case 0 -> RAM_A + RAM_A_SIZE - rnd.nextInt(Math.max(1, length) + 8);
            case 1 -> RAM_B + RAM_B_SIZE - rnd.nextInt(Math.max(1, length) + 8);
            case 2 -> RAM_B - rnd.nextInt(16);
            case 3 -> RAM_A + RAM_A_SIZE + rnd.nextInt(0x1000);
            case 4 -> -1L - rnd.nextInt(0x1000);
            case 5 -> rnd.nextLong();
            case 6 -> rnd.nextInt(0x1000);
            case 7 -> RAM_B + rnd.nextInt(RAM_B_SIZE);
            default -> DATA + rnd.nextInt((int) (DATA_END - DATA));
        };
    }

    private static QueueConfig corruptConfig(Random rnd, QueueConfig c) {
        return switch (rnd.nextInt(6)) {
            case 0 -> new QueueConfig(rnd.nextInt(70_000) - 10, c.descTable(), c.availRing(), c.usedRing(),
                    c.eventIdx(), c.indirectDesc());
            case 1 -> new QueueConfig(32768, c.descTable(), c.availRing(), c.usedRing(), c.eventIdx(),
                    c.indirectDesc());
            case 2 -> new QueueConfig(c.size(), c.descTable() + 1 + rnd.nextInt(15), c.availRing(), c.usedRing(),
                    c.eventIdx(), c.indirectDesc());
            case 3 -> new QueueConfig(c.size(), c.descTable(), c.availRing(), c.usedRing() + 2, c.eventIdx(),
                    c.indirectDesc());
            case 4 -> new QueueConfig(c.size(), c.descTable(), RAM_B + RAM_B_SIZE - 4, c.usedRing(), c.eventIdx(),
                    c.indirectDesc());
            default -> new QueueConfig(c.size(), rnd.nextLong() & ~15L, c.availRing(), c.usedRing(), c.eventIdx(),
                    c.indirectDesc());
        };
    }

    /** Overwrites one random field of the rings or the descriptor table, as a hostile or buggy guest would. */
    private static void scribble(Random rnd, StrictGuestMemory memory, QueueConfig c) {
        int size = c.size();
        switch (rnd.nextInt(9)) {
            case 0 -> memory.writeShort(c.availRing() + 2, (short) rnd.nextInt(0x10000));
            case 1, 5 -> memory.writeShort(c.availRing() + 4 + 2L * rnd.nextInt(size), (short) rnd.nextInt(0x10000));
            case 2, 6 -> memory.writeShort(c.descTable() + 16L * rnd.nextInt(size) + 12, (short) rnd.nextInt(8));
            case 3, 7 -> memory.writeShort(c.descTable() + 16L * rnd.nextInt(size) + 14,
                    (short) (rnd.nextBoolean() ? rnd.nextInt(size + 1) : rnd.nextInt(0x10000)));
            default -> memory.writeLong(c.descTable() + 16L * rnd.nextInt(size), randomAddress(rnd, 64));
        }
    }

    /** Runs the queue as a device would, with the guest scribbling between steps. */
    private void drive(Random rnd, StrictGuestMemory memory, SplitVirtqueue queue, QueueConfig config) {
        List<DescriptorChain> inFlight = new ArrayList<>();
        int steps = 2 * config.size() + 8;
        for (int s = 0; s < steps; s++) {
            try {
                switch (rnd.nextInt(20)) {
                    case 0 -> scribble(rnd, memory, config);
                    case 1 -> notifications += queue.needsNotification() ? 1 : 0;
                    case 2 -> queue.enableNotifications();
                    case 3 -> queue.disableNotifications();
                    case 4, 5, 6 -> {
                        if (!inFlight.isEmpty()) {
                            DescriptorChain c = inFlight.remove(rnd.nextInt(inFlight.size()));
                            queue.push(c, serve(rnd, memory, c));
                        }
                    }
                    default -> {
                        Optional<DescriptorChain> chain = queue.pop();
                        if (chain.isEmpty()) {
                            continue;
                        }
                        check(memory, config, chain.get());
                        inFlight.add(chain.get());
                    }
                }
            } catch (VirtqueueException e) {
                count(e);
                if (e.queueUsable()) {
                    try {
                        queue.push(e.head().getAsInt(), 0);
                    } catch (VirtqueueException again) {
                        throw new AssertionError("a chain error left the queue unable to push", again);
                    }
                    continue;
                }
                // Once broken, the queue must refuse work until it is reset.
                try {
                    queue.pop();
                    throw new AssertionError("a broken queue popped");
                } catch (VirtqueueException again) {
                    assertEquals(VirtqueueError.QUEUE_BROKEN, again.error());
                    count(again);
                }
                if (rnd.nextBoolean()) {
                    // The driver resets the queue; the device picks up somewhere before the guest's index.
                    int availIdx = Short.toUnsignedInt(memory.readShort(config.availRing() + 2));
                    queue.reset();
                    queue.restore((availIdx - rnd.nextInt(config.size() + 1)) & 0xFFFF, rnd.nextInt(0x10000));
                    inFlight.clear();
                } else {
                    return;
                }
            }
        }
    }

    private void check(StrictGuestMemory memory, QueueConfig config, DescriptorChain chain) {
        chains++;
        assertTrue(chain.head() >= 0 && chain.head() < config.size());
        long readable = 0;
        for (Segment s : chain.readable()) {
            assertTrue(s.length() > 0 && memory.isRam(s.address(), s.length()), s.toString());
            readable += s.length();
        }
        long writable = 0;
        for (Segment s : chain.writable()) {
            assertTrue(s.length() > 0 && memory.isRam(s.address(), s.length()), s.toString());
            writable += s.length();
        }
        assertEquals(readable, chain.readableLength());
        assertEquals(writable, chain.writableLength());
        assertTrue(readable + writable > 0 && readable + writable <= 0xFFFF_FFFFL);
        int count = chain.readable().size() + chain.writable().size();
        assertTrue(count <= 2 * config.size(), "chain of " + count + " segments");
        segments += count;
    }

    /** Reads part of the request and writes part of a reply, as a device would; returns the bytes written. */
    private static long serve(Random rnd, StrictGuestMemory memory, DescriptorChain chain)
            throws VirtqueueException {
        ChainReader reader = new ChainReader(memory, chain);
        byte[] buffer = new byte[1 + rnd.nextInt(2048)];
        reader.skip(rnd.nextInt(64));
        reader.read(buffer, 0, buffer.length);
        ChainWriter writer = new ChainWriter(memory, chain);
        writer.write(buffer, 0, buffer.length);
        return writer.written();
    }

    private void count(VirtqueueException e) {
        errors.merge(e.error(), 1, Integer::sum);
    }
}

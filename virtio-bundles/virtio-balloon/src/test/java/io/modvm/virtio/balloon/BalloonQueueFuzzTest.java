package io.modvm.virtio.balloon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.device.ChainHandler;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.QueueServer;
import io.modvm.virtio.device.ResetLatch;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.testing.FakeActivation;
import io.modvm.virtio.testing.SeededFuzz;
import io.modvm.virtio.testing.StrictGuestMemory;
import io.modvm.virtio.testing.StrictGuestMemory.Discard;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeded fuzzing of the balloon's queue handling, driven synchronously through {@link QueueServer} so that each
 * iteration is deterministic. Each iteration picks a queue (inflate, deflate, stats or reporting) and a driver, and
 * fills it with requests whose contents are biased towards trouble: frame numbers at RAM's edges, in the hole and at
 * 2^32 - 1, buffers straddling RAM's end, odd lengths, misaligned reported ranges, stat entries with any tag. Some
 * iterations also scribble on the rings, as a hostile guest may.
 *
 * <p>Invariants: nothing but an orderly reset request comes out of the device; every guest-memory access stays in
 * RAM ({@link StrictGuestMemory} throws an Error otherwise); every discard is whole pages of RAM, and for a
 * well-behaved ring exactly pages the driver named (inflate) or lent (reporting); a well-behaved ring gets every
 * request back; draining ends. {@code -Dmodvm.fuzz.iterations=N} runs longer; a failure names
 * {@code -Dmodvm.fuzz.seed=S} to replay its iteration.
 */
class BalloonQueueFuzzTest {
    private static final Logger LOG = LoggerFactory.getLogger(BalloonQueueFuzzTest.class);
    private static final long SEED = 0x62_616C_6C6FL;
    private static final long PAGE = 4096;
    private static final long RAM_A_END = TestRam.RAM_A + TestRam.RAM_A_SIZE;
    private static final long RAM_B_END = TestRam.RAM_B + TestRam.RAM_B_SIZE;
    private static final int QUEUE_SIZE = 64;

    private enum Kind { INFLATE, DEFLATE, STATS, REPORTING }

    private final StrictGuestMemory memory = TestRam.create();
    private final GuestErrorLog errors = new GuestErrorLog("fuzz");
    private long requests;
    private long discards;
    private long resets;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void hostileRequestsOnlyEverFailThemselves() throws Exception {
        int iterations = SeededFuzz.iterations(1000);
        if (!SeededFuzz.run(SEED, iterations, this::iteration)) {
            return;
        }
        LOG.info("balloon fuzz: {} iterations, {} requests, {} discards, {} reset requests", iterations, requests,
                discards, resets);
        assertTrue(requests > iterations, "the fuzzer made requests");
        assertTrue(discards > 0, "some requests reached the host");
    }

    private void iteration(Random r) {
        memory.clearDiscards();
        Kind kind = Kind.values()[r.nextInt(Kind.values().length)];
        boolean scribble = r.nextInt(4) == 0;
        boolean eventIdx = r.nextBoolean();
        boolean indirect = r.nextBoolean();
        int start = r.nextInt(4) == 0 ? 0xFFFF - r.nextInt(8) : 0;
        TestDriver driver = new TestDriver(memory, TestRam.RINGS, QUEUE_SIZE, eventIdx, indirect,
                TestRam.INDIRECT, start);
        FakeActivation activation = new FakeActivation(memory, BalloonRig.LINUX_FEATURES);
        try {
            activation.enable(0, driver);
        } catch (Exception e) {
            throw new AssertionError("the test's own ring is valid", e);
        }
        // Both sides begin just short of the 16-bit wrap now and then, as after a long uptime.
        activation.queue(0).restore(start, start);
        BalloonStatsQueue stats = new BalloonStatsQueue(memory, bytes -> GuestStats.parse(1, bytes, bytes.length));
        ChainHandler handler = switch (kind) {
            case INFLATE -> BalloonPfnQueue.inflate(memory, errors);
            case DEFLATE -> BalloonPfnQueue.deflate(memory, errors);
            case STATS -> stats;
            case REPORTING -> new BalloonReportingQueue(memory, errors);
        };
        QueueServer server = BalloonQueues.server(activation, 0, kind.name(), handler, new ResetLatch(activation),
                errors);
        stats.attach(server, () -> { });

        Set<Long> named = new HashSet<>();
        List<Buf> lent = new ArrayList<>();
        long buffers = TestRam.BUFFERS;
        int added = 0;
        int count = 1 + r.nextInt(QUEUE_SIZE);
        for (int i = 0; i < count && driver.numFree() > 0; i++) {
            List<Buf> readable = new ArrayList<>();
            List<Buf> writable = new ArrayList<>();
            int parts = 1 + r.nextInt(3);
            for (int p = 0; p < parts; p++) {
                Buf buf;
                if (kind == Kind.REPORTING) {
                    buf = reportedRange(r);
                    if (memory.isRam(buf.address(), buf.length())) {
                        lent.add(buf);
                    }
                    writable.add(buf);
                } else {
                    buf = content(r, kind, buffers, scribble);
                    buffers = TestDriver.alignUp(buffers + Math.max(1, buf.length()), 16);
                    (r.nextInt(8) == 0 ? writable : readable).add(buf);
                }
            }
            if (r.nextInt(10) == 0) {
                readable.add(new Buf(RAM_A_END - 4 + r.nextInt(8), 8));
            }
            named.addAll(framesOf(readable));
            if (indirect && r.nextBoolean() && readable.size() + writable.size() <= QUEUE_SIZE) {
                driver.addIndirect(readable, writable);
            } else if (readable.size() + writable.size() <= driver.numFree()) {
                driver.add(readable, writable);
            } else {
                break;
            }
            added++;
        }
        if (scribble) {
            scribble(r, driver);
        }
        requests += added;

        int runs = 0;
        do {
            if (kind == Kind.STATS && r.nextBoolean()) {
                stats.requestRefresh();
            }
            assertTrue(++runs < 10 * QUEUE_SIZE, "draining never ends");
        } while (kind == Kind.STATS ? stats.run() : server.serve());

        List<Discard> done = memory.discards();
        discards += done.size();
        resets += activation.resetRequests().size();
        for (Discard d : done) {
            assertEquals(0, d.address() % PAGE, "discard at " + d);
            assertEquals(0, d.length() % PAGE, "discard of " + d);
            assertTrue(d.length() > 0 && memory.isRam(d.address(), d.length()), "discard outside RAM: " + d);
        }
        if (scribble) {
            return;
        }
        assertTrue(activation.resetRequests().isEmpty(), "a sane ring never needs a reset: "
                + activation.resetRequests());
        if (kind == Kind.INFLATE) {
            for (Discard d : done) {
                for (long a = d.address(); a < d.address() + d.length(); a += PAGE) {
                    assertTrue(named.contains(a / PAGE), "discarded a page nobody named: 0x" + Long.toHexString(a));
                }
            }
        } else if (kind == Kind.REPORTING) {
            for (Discard d : done) {
                assertTrue(lent.stream().anyMatch(b -> b.address() <= d.address()
                        && d.address() + d.length() <= b.address() + b.length()), "discarded beyond the lent " + d);
            }
        } else if (kind == Kind.DEFLATE) {
            assertTrue(done.isEmpty(), "deflate discards nothing");
        }
        int expectBack = kind == Kind.STATS ? added - (stats.holding() ? 1 : 0) : added;
        int back = 0;
        for (Optional<TestDriver.Used> u = driver.getBuf(); u.isPresent(); u = driver.getBuf()) {
            assertEquals(0, u.get().length(), "the balloon writes nothing back");
            back++;
        }
        assertEquals(expectBack, back, kind + ": every request comes back");
    }

    /**
     * The frame numbers a request names, as the spec defines them: its readable bytes taken as one array of 32-bit
     * values, across buffer boundaries. Only pages named this way may be discarded.
     */
    private List<Long> framesOf(List<Buf> readable) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Buf b : readable) {
            if (b.length() > 0 && memory.isRam(b.address(), b.length())) {
                byte[] part = new byte[b.length()];
                memory.read(b.address(), part, 0, part.length);
                bytes.writeBytes(part);
            }
        }
        ByteBuffer all = ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        List<Long> frames = new ArrayList<>();
        while (all.remaining() >= 4) {
            frames.add(Integer.toUnsignedLong(all.getInt()));
        }
        return frames;
    }

    /** A buffer of request content: a PFN array or stat entries, written at {@code at}. */
    private Buf content(Random r, Kind kind, long at, boolean scribble) {
        int entries = r.nextInt(24);
        if (kind == Kind.STATS) {
            int length = entries * GuestStats.ENTRY_BYTES + (r.nextInt(4) == 0 ? r.nextInt(10) : 0);
            for (int i = 0; i < length; i++) {
                memory.writeByte(at + i, (byte) r.nextInt());
            }
            return new Buf(at, length);
        }
        // A ragged length shifts every frame of the buffers after it, naming pages at random, its own rings among
        // them: only a hostile guest does that.
        int length = entries * 4 + (scribble && r.nextInt(3) == 0 ? 1 + r.nextInt(3) : 0);
        long pfn = pfn(r, scribble);
        for (int i = 0; i < entries; i++) {
            pfn = switch (r.nextInt(4)) {
                case 0 -> pfn + 1;
                case 1 -> pfn - 1;
                default -> pfn(r, scribble);
            };
            pfn &= 0xFFFF_FFFFL;
            memory.writeInt(at + 4L * i, (int) pfn);
        }
        for (int i = entries * 4; i < length; i++) {
            memory.writeByte(at + i, (byte) r.nextInt());
        }
        return new Buf(at, length);
    }

    /** Frame numbers: mostly the page area and range B, often RAM's edges, the hole, and beyond. */
    private static long pfn(Random r, boolean scribble) {
        long pagesFirst = TestRam.PAGES / PAGE;
        return switch (r.nextInt(9)) {
            case 0 -> RAM_A_END / PAGE - 1 - r.nextInt(2);
            case 1 -> RAM_A_END / PAGE + r.nextInt(4);
            case 2 -> TestRam.RAM_B / PAGE - r.nextInt(2);
            case 3 -> RAM_B_END / PAGE - 1 + r.nextInt(2);
            case 4 -> 0xFFFF_FFFFL - r.nextInt(2);
            case 5 -> scribble ? r.nextInt(1 << 11) : pagesFirst + r.nextInt(16);
            case 6 -> Integer.toUnsignedLong(r.nextInt());
            case 7 -> TestRam.RAM_B / PAGE + r.nextInt(TestRam.RAM_B_SIZE / (int) PAGE);
            default -> pagesFirst + r.nextInt((int) ((RAM_A_END - TestRam.PAGES) / PAGE));
        };
    }

    /** A range the driver lends on the reporting queue: mostly whole pages, sometimes not, sometimes not RAM. */
    private static Buf reportedRange(Random r) {
        long address = switch (r.nextInt(5)) {
            case 0 -> RAM_A_END - PAGE * (1 + r.nextInt(4));
            case 1 -> TestRam.RAM_B + PAGE * r.nextInt(TestRam.RAM_B_SIZE / (int) PAGE);
            case 2 -> TestRam.PAGES + r.nextInt(1 << 16);
            default -> TestRam.PAGES + PAGE * r.nextInt(512);
        };
        int length = r.nextInt(4) == 0 ? 1 + r.nextInt(3 * (int) PAGE) : (int) PAGE * (1 + r.nextInt(64));
        return new Buf(address, length);
    }

    /** What a hostile guest does to its rings between kicks. */
    private static void scribble(Random r, TestDriver driver) {
        switch (r.nextInt(5)) {
            case 0 -> driver.setAvailIdx(r.nextInt(1 << 16));
            case 1 -> driver.publishRaw(r.nextInt(QUEUE_SIZE * 2));
            case 2 -> driver.writeDescriptor(r.nextInt(QUEUE_SIZE), r.nextLong(), r.nextInt(),
                    r.nextInt(8), r.nextInt(QUEUE_SIZE * 2));
            case 3 -> driver.setUsedEvent(r.nextInt(1 << 16));
            default -> driver.setAvailFlags(r.nextInt(4));
        }
    }
}

package io.modvm.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import io.modvm.block.DiskImages;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.VirtioFeatures;
import io.modvm.virtio.queue.HeapGuestMemory;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.testing.FakeActivation;
import io.modvm.virtio.testing.SeededFuzz;
import io.modvm.virtio.testing.StrictGuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Structure-aware fuzzing of request parsing and queue handling. Each iteration lays out a batch of requests as a
 * driver would, with biased choices (request types, sectors at and past the disk's end and with the top bit set,
 * headers of every length, data lengths off the sector size, buffers at RAM's edges and in a hole, status bytes
 * missing, directions swapped, discard lists of odd sizes and flags), sometimes scribbles on the rings, and runs the
 * queue handler.
 *
 * <p>Invariants: nothing escapes the handler (an out-of-RAM access is an AssertionError from
 * {@link StrictGuestMemory}), the used lengths never exceed what a chain can hold (the queue refuses that with an
 * IllegalArgumentException), a broken ring leads to DEVICE_NEEDS_RESET, and afterwards the device (reset if it
 * asked to be) still reads the disk correctly. The seed is fixed; a failure names its iteration's seed for
 * {@code -Dmodvm.fuzz.seed=S}, and {@code -Dmodvm.fuzz.iterations=N} runs longer.
 */
class BlkFuzzTest {
    private static final Logger LOG = LoggerFactory.getLogger(BlkFuzzTest.class);
    private static final long SEED = 0x626C_6B66_757AL;
    private static final long RAM_A = 0x10_0000;
    private static final int RAM_A_SIZE = 2 << 20;
    private static final long RAM_B = 0x80_0000;
    private static final int RAM_B_SIZE = 64 << 10;
    private static final long RINGS = RAM_A;
    private static final long INDIRECT = RAM_A + 0x1_0000;
    private static final long DATA = RAM_A + 0x10_0000;
    private static final long PROBE = RAM_B;
    private static final int DISK = 256 << 10;
    private static final long SECTORS = DISK / 512;
    private static final int[] TYPES = {VirtioBlk.T_IN, VirtioBlk.T_OUT, VirtioBlk.T_FLUSH, VirtioBlk.T_GET_ID,
        VirtioBlk.T_DISCARD, VirtioBlk.T_WRITE_ZEROES};

    @TempDir
    Path dir;

    /** One log for the run, so each kind of guest error is logged once rather than once per iteration. */
    private final GuestErrorLog log = new GuestErrorLog("fuzz");
    private final int[] statuses = new int[256];
    private int resets;
    private int requests;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void randomRequestsNeverEscapeAndTheDeviceKeepsServing() throws Exception {
        int iterations = SeededFuzz.iterations(1500);
        Path file = dir.resolve("fuzz.raw");
        byte[] disk = new byte[DISK];
        new Random(SEED).nextBytes(disk);
        Files.write(file, disk);
        StrictGuestMemory memory = new StrictGuestMemory(
                new HeapGuestMemory().add(RAM_A, RAM_A_SIZE).add(RAM_B, RAM_B_SIZE));
        try (DiskImage image = DiskImages.open(file, "raw", false, CacheMode.UNSAFE)) {
            long start = System.nanoTime();
            if (!SeededFuzz.run(SEED, iterations, rnd -> iteration(rnd, memory, image))) {
                return;
            }
            LOG.info("virtio-blk fuzz: {} iterations in {} ms, {} requests, status OK {} IOERR {} UNSUPP {},"
                    + " {} resets, {} memory accesses", iterations, (System.nanoTime() - start) / 1_000_000,
                    requests, statuses[0], statuses[1], statuses[2], resets, memory.accesses());
        }
        if (iterations >= 1000) {
            // A fuzzer that never reaches the error paths proves nothing.
            assertTrue(statuses[VirtioBlk.S_OK] > 0 && statuses[VirtioBlk.S_IOERR] > 0
                    && statuses[VirtioBlk.S_UNSUPP] > 0, Arrays.toString(Arrays.copyOf(statuses, 3)));
            assertTrue(resets > 0, "no iteration broke the ring");
        }
    }

    private void iteration(Random rnd, StrictGuestMemory memory, DiskImage image) throws Exception {
        boolean eventIdx = rnd.nextBoolean();
        int size = 1 << (1 + rnd.nextInt(5));
        int start = rnd.nextInt(0x10000);
        TestDriver driver = new TestDriver(memory, RINGS, size, eventIdx, true, INDIRECT, start);
        SplitVirtqueue queue = SplitVirtqueue.create(memory, driver.config());
        // Both rings start mid-way, as after a migration, so 16-bit index wrap-around is covered too.
        queue.restore(start, start);
        long features = VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC)
                | (eventIdx ? VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX) : 0);
        FakeActivation activation = new FakeActivation(memory, features, queue);
        BlkQueue handler = new BlkQueue(activation, new BlkRequestExecutor(image, false, "fuzz".getBytes(), log), log);

        List<Long> statusBytes = new ArrayList<>();
        int batch = 1 + rnd.nextInt(size);
        for (int r = 0; r < batch && driver.numFree() > 0; r++) {
            addRandomRequest(rnd, memory, driver, statusBytes);
        }
        boolean scribbled = rnd.nextInt(8) == 0;
        if (scribbled) {
            scribble(rnd, memory, driver, size);
        }
        handler.run();
        requests += statusBytes.size();
        for (Long at : statusBytes) {
            statuses[Byte.toUnsignedInt(memory.readByte(at))]++;
        }
        if (handler.broken() || scribbled) {
            assertEquals(handler.broken() ? 1 : 0, activation.resetRequests().size());
            resets += activation.resetRequests().size();
            // What the driver does next (after a reset, or after losing track of its own ring): reset the device
            // and set the queue up again.
            driver = new TestDriver(memory, RINGS, size, eventIdx, true, INDIRECT);
            queue = SplitVirtqueue.create(memory, driver.config());
            activation = new FakeActivation(memory, features, queue);
            handler = new BlkQueue(activation, new BlkRequestExecutor(image, false, "fuzz".getBytes(), log), log);
        } else {
            assertTrue(activation.resetRequests().isEmpty());
            while (driver.getBuf().isPresent()) {
                // Give every descriptor back, so the probe finds room.
            }
            assertEquals(size, driver.numFree(), "the device kept chains it had popped");
        }
        probe(rnd, memory, driver, handler, image);
    }

    /** A well-formed read must still come back OK with the disk's bytes. */
    private static void probe(Random rnd, StrictGuestMemory memory, TestDriver driver, BlkQueue handler,
            DiskImage image) throws Exception {
        long sector = rnd.nextInt((int) SECTORS);
        ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(0, VirtioBlk.T_IN)
                .putLong(8, sector);
        memory.write(PROBE, header.array(), 0, 16);
        memory.writeByte(PROBE + 1024, (byte) 0x7f);
        // Data and status share one buffer, so the probe fits a queue of 2 (a chain may not outgrow its queue).
        driver.addIndirect(List.of(new Buf(PROBE, 16)), List.of(new Buf(PROBE + 512, 513)));
        handler.run();
        Optional<TestDriver.Used> used;
        do {
            used = driver.getBuf();
        } while (used.isPresent() && used.get().length() != 513);
        assertTrue(used.isPresent(), "the probe request never completed");
        assertEquals(VirtioBlk.S_OK, memory.readByte(PROBE + 1024));
        ByteBuffer expected = ByteBuffer.allocate(512);
        image.read(expected, sector * 512);
        byte[] got = new byte[512];
        memory.read(PROBE + 512, got, 0, 512);
        assertArrayEquals(expected.array(), got);
        assertFalse(handler.broken());
    }

    private static void addRandomRequest(Random rnd, StrictGuestMemory memory, TestDriver driver,
            List<Long> statusBytes) {
        long at = DATA + 8192L * rnd.nextInt(100);
        int type = rnd.nextInt(8) == 0 ? rnd.nextInt() : TYPES[rnd.nextInt(TYPES.length)];
        ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(0, type)
                .putLong(8, sector(rnd));
        memory.write(at, header.array(), 0, 16);
        List<Buf> out = new ArrayList<>();
        List<Buf> in = new ArrayList<>();
        int headerLength = rnd.nextInt(10) == 0 ? rnd.nextInt(40) : 16;
        if (headerLength > 0) {
            out.add(new Buf(at, headerLength));
        }
        boolean writes = type == VirtioBlk.T_OUT || type == VirtioBlk.T_DISCARD || type == VirtioBlk.T_WRITE_ZEROES;
        boolean swap = rnd.nextInt(10) == 0;
        List<Buf> data = (writes ^ swap) ? out : in;
        int segments = rnd.nextInt(4);
        long cursor = at + 64;
        for (int s = 0; s < segments; s++) {
            int length = length(rnd);
            long address = bufferAddress(rnd, cursor, length);
            if (type == VirtioBlk.T_DISCARD || type == VirtioBlk.T_WRITE_ZEROES) {
                fillRanges(rnd, memory, address, length);
            }
            data.add(new Buf(address, length));
            cursor += length;
        }
        if (rnd.nextInt(12) != 0) {
            long status = at + 48;
            memory.writeByte(status, (byte) 0x7f);
            in.add(new Buf(status, 1));
            statusBytes.add(status);
        }
        if (out.size() + in.size() == 0) {
            return;
        }
        if (rnd.nextBoolean() && out.size() + in.size() <= driver.numFree()) {
            driver.add(out, in);
        } else {
            driver.addIndirect(out, in);
        }
    }

    private static long sector(Random rnd) {
        return switch (rnd.nextInt(8)) {
            case 0 -> SECTORS;
            case 1 -> SECTORS - 1 - rnd.nextInt(4);
            case 2 -> -1L - rnd.nextInt(4);
            case 3 -> rnd.nextLong();
            case 4 -> Long.MAX_VALUE / 512 + rnd.nextInt(4);
            default -> rnd.nextInt((int) SECTORS);
        };
    }

    private static int length(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> 1 + rnd.nextInt(600);
            case 1 -> 16 * (1 + rnd.nextInt(40));
            default -> 512 * (1 + rnd.nextInt(8));
        };
    }

    /** Mostly in RAM; sometimes straddling RAM's end or inside the hole between the two ranges. */
    private static long bufferAddress(Random rnd, long cursor, int length) {
        return switch (rnd.nextInt(20)) {
            case 0 -> RAM_A + RAM_A_SIZE - length / 2;
            case 1 -> RAM_A + RAM_A_SIZE + 4096;
            case 2 -> RAM_B + RAM_B_SIZE - length;
            default -> cursor;
        };
    }

    /** Discard/write-zeroes lists: mostly sane ranges, sometimes wild counts and flags. */
    private static void fillRanges(Random rnd, StrictGuestMemory memory, long address, int length) {
        if (!memory.isRam(address, length)) {
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 16 <= length; i += 16) {
            long sector = rnd.nextInt(4) == 0 ? sector(rnd) : rnd.nextInt((int) SECTORS - 64);
            int count = rnd.nextInt(4) == 0 ? rnd.nextInt() : rnd.nextInt(64);
            int flags = rnd.nextInt(4) == 0 ? rnd.nextInt(4) : 0;
            b.putLong(i, sector).putInt(i + 8, count).putInt(i + 12, flags);
        }
        memory.write(address, b.array(), 0, length);
    }

    /** What a buggy or hostile driver does to the rings after publishing. */
    private static void scribble(Random rnd, StrictGuestMemory memory, TestDriver driver, int size) {
        switch (rnd.nextInt(4)) {
            case 0 -> driver.setAvailIdx(rnd.nextInt(0x10000));
            case 1 -> memory.writeShort(driver.availRing() + 4 + 2L * rnd.nextInt(size), (short) rnd.nextInt());
            case 2 -> driver.writeDescriptor(rnd.nextInt(size), rnd.nextLong(), rnd.nextInt(), rnd.nextInt(8),
                    rnd.nextInt(size * 2));
            default -> driver.writeDescriptor(rnd.nextInt(size), DATA, rnd.nextInt(64), rnd.nextInt(8),
                    rnd.nextInt(size));
        }
    }
}

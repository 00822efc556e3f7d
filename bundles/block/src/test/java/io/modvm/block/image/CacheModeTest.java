package io.modvm.block.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import io.modvm.testkit.QemuTools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every cache mode reads and writes the same bytes; the O_DIRECT ones (none, directsync) go through aligned bounce
 * buffers, so unaligned requests and a file size that is not a multiple of the block size are the cases to check.
 * Every other write comes as a run of guest-like buffers ({@link GuestBuffers}), whose page-aligned native pages
 * O_DIRECT takes without a bounce when the request sits on page boundaries.
 */
class CacheModeTest {
    /** Not a multiple of 4096, so O_DIRECT's last block is partial. */
    private static final int SIZE = (1 << 20) + 512;

    private static final int O_DIRECT = 040000;
    private static final int O_DSYNC = 010000;

    @TempDir
    Path dir;

    /** The open flags of this process's descriptor for {@code file}, from /proc/self/fdinfo. */
    private static int openFlags(Path file) throws IOException {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                Path target;
                try {
                    target = Files.readSymbolicLink(fd);
                } catch (IOException gone) {
                    continue;
                }
                if (target.equals(file.toAbsolutePath())) {
                    for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo").resolve(fd.getFileName()))) {
                        if (line.startsWith("flags:")) {
                            return Integer.parseInt(line.substring(6).trim(), 8);
                        }
                    }
                }
            }
        }
        throw new AssertionError(file + " is not open");
    }

    /** Write number {@code i}: one heap buffer, or every other time a run of guest-like buffers. */
    private static void write(DiskImage image, int i, byte[] data, long offset) throws IOException {
        if (i % 2 == 0) {
            image.write(ByteBuffer.wrap(data), offset);
        } else {
            image.write(GuestBuffers.of(data), offset);
        }
    }

    @ParameterizedTest
    @EnumSource(CacheMode.class)
    void rawUnalignedWritesKeepNeighboursAndSize(CacheMode mode) throws Exception {
        Path file = dir.resolve("d.raw");
        byte[] model = new byte[SIZE];
        Random rnd = new Random(mode.ordinal());
        rnd.nextBytes(model);
        Files.write(file, model);
        try (DiskImage image = ImageOpener.open(file, "raw", false, mode)) {
            assertEquals(mode.direct(), (openFlags(file) & O_DIRECT) != 0, "O_DIRECT for cache=" + mode);
            assertEquals(!mode.writeback(), (openFlags(file) & O_DSYNC) != 0, "O_DSYNC for cache=" + mode);
            for (int i = 0; i < 200; i++) {
                boolean pages = i % 4 == 3;
                int length = pages ? GuestBuffers.PAGE * (1 + rnd.nextInt(5)) : 1 + rnd.nextInt(20_000);
                int offset = rnd.nextInt(SIZE - length + 1) & (pages ? -GuestBuffers.PAGE : -1);
                byte[] data = new byte[length];
                rnd.nextBytes(data);
                write(image, i, data, offset);
                System.arraycopy(data, 0, model, offset, length);
            }
            byte[] tail = new byte[700];
            image.write(ByteBuffer.wrap(tail), SIZE - tail.length);
            System.arraycopy(tail, 0, model, SIZE - tail.length, tail.length);
            image.writeZeroes(1000, 5000, true);
            Arrays.fill(model, 1000, 6000, (byte) 0);
            image.flush();
            ByteBuffer all = ByteBuffer.allocate(SIZE);
            image.read(all, 0);
            assertArrayEquals(model, all.array());
            ByteBuffer[] run = GuestBuffers.shaped(SIZE - GuestBuffers.PAGE);
            image.read(run, GuestBuffers.PAGE);
            assertArrayEquals(Arrays.copyOfRange(model, GuestBuffers.PAGE, SIZE), GuestBuffers.contents(run));
            assertNull(image.backing());
        }
        assertEquals(SIZE, Files.size(file));
        assertArrayEquals(model, Files.readAllBytes(file));
    }

    @Test
    void qcow2UnderODirectPassesQemuCheck() throws Exception {
        QemuTools.require();
        Path path = dir.resolve("q.qcow2");
        QemuTools.img("create", "-f", "qcow2", "-o", "cluster_size=4096", path.toString(), "4M");
        byte[] model = new byte[4 << 20];
        Random rnd = new Random(11);
        try (DiskImage image = ImageOpener.open(path, null, false, CacheMode.NONE)) {
            for (int i = 0; i < 200; i++) {
                int length = 1 + rnd.nextInt(30_000);
                int offset = rnd.nextInt(model.length - length);
                byte[] data = new byte[length];
                rnd.nextBytes(data);
                write(image, i, data, offset);
                System.arraycopy(data, 0, model, offset, length);
            }
            ByteBuffer[] run = GuestBuffers.shaped(100_000);
            image.read(run, 12_345);
            assertArrayEquals(Arrays.copyOfRange(model, 12_345, 112_345), GuestBuffers.contents(run));
            image.discard(40_960, 8192);
            Arrays.fill(model, 40_960, 40_960 + 8192, (byte) 0);
            image.flush();
        }
        QemuTools.checkClean(path);
        QemuTools.assertContents(model, path, dir);
    }
}

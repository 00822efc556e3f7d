package io.modvm.block.image;

import static io.modvm.testkit.QemuTools.assertContents;
import static io.modvm.testkit.QemuTools.checkClean;
import static io.modvm.testkit.QemuTools.img;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.block.DiskImage;
import io.modvm.testkit.QemuTools;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** qcow2 images made by qemu-img, read and written here, then judged by qemu-img check and qemu-img convert. */
class Qcow2ImageTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @BeforeEach
    void tools() {
        QemuTools.require();
    }

    private Path create(String name, String size, String... options) throws Exception {
        return TestQcow2.create(dir, name, size, options);
    }

    private static DiskImage open(Path path, boolean readOnly) throws IOException {
        return TestQcow2.open(path, readOnly);
    }

    private static byte[] read(DiskImage image, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        image.read(buffer, offset);
        assertEquals(length, buffer.position());
        return buffer.array();
    }

    private static void write(DiskImage image, byte[] model, long offset, byte[] data) throws IOException {
        image.write(ByteBuffer.wrap(data), offset);
        System.arraycopy(data, 0, model, (int) offset, data.length);
    }

    @Test
    void readsWhatQemuWrote() throws Exception {
        Path path = create("q.qcow2", "4M");
        QemuTools.io(path, "qcow2", "write -P 0xaa 0 64k", "write -P 0x55 1052672 4096");
        try (DiskImage image = open(path, true)) {
            assertEquals("qcow2", image.format());
            assertEquals(4 * MIB, image.size());
            byte[] head = read(image, 0, 65536 + 512);
            for (int i = 0; i < 65536; i++) {
                assertEquals((byte) 0xaa, head[i], "byte " + i);
            }
            assertEquals(0, head[65536]);
            byte[] mid = read(image, 1052672 - 1, 4098);
            assertEquals(0, mid[0]);
            assertEquals((byte) 0x55, mid[1]);
            assertEquals((byte) 0x55, mid[4096]);
            assertEquals(0, mid[4097]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"compat=1.1", "compat=0.10", "cluster_size=512", "refcount_bits=8", "refcount_bits=64",
        "cluster_size=2M"})
    void randomWritesReadBackAndPassQemuCheck(String option) throws Exception {
        Path path = create("r.qcow2", "8M", option);
        byte[] model = new byte[8 * MIB];
        Random rnd = new Random(option.hashCode());
        try (DiskImage image = open(path, false)) {
            for (int i = 0; i < 150; i++) {
                int length = 1 + rnd.nextInt(rnd.nextBoolean() ? 4096 : 200_000);
                int offset = rnd.nextInt(model.length - length);
                byte[] data = new byte[length];
                rnd.nextBytes(data);
                write(image, model, offset, data);
                if (i % 10 == 0) {
                    int at = rnd.nextInt(model.length - 70_000);
                    assertArrayEquals(Arrays.copyOfRange(model, at, at + 70_000), read(image, at, 70_000));
                }
            }
            image.flush();
            assertArrayEquals(model, read(image, 0, model.length));
        }
        checkClean(path);
        assertContents(model, path, dir);
    }

    @Test
    void backingFileIsReadAndCopiedOnWrite() throws Exception {
        Path base = dir.resolve("base.raw");
        img("create", "-f", "raw", base.toString(), "4M");
        QemuTools.io(base, "raw", "write -P 0x11 0 4M");
        // A relative backing name: resolved against the overlay's folder, not the working directory.
        img("create", "-f", "qcow2", "-b", "base.raw", "-F", "raw", dir.resolve("top.qcow2").toString(), "6M");
        Path top = dir.resolve("top.qcow2");
        byte[] model = new byte[6 * MIB];
        Arrays.fill(model, 0, 4 * MIB, (byte) 0x11);
        try (DiskImage image = open(top, false)) {
            assertNotNull(image.backing());
            assertEquals("raw", image.backing().format());
            assertEquals("base.raw", image.backingName());
            assertArrayEquals(model, read(image, 0, model.length));
            write(image, model, 70_000, new byte[] {1, 2, 3});
            write(image, model, 4 * MIB - 10, new byte[20]);
            Arrays.fill(model, 4 * MIB + 10, 4 * MIB + 30, (byte) 7);
            image.write(ByteBuffer.wrap(Arrays.copyOfRange(model, 4 * MIB + 10, 4 * MIB + 30)), 4 * MIB + 10);
            assertArrayEquals(model, read(image, 0, model.length));
        }
        checkClean(top);
        assertContents(model, top, dir);
        byte[] untouched = new byte[4 * MIB];
        Arrays.fill(untouched, (byte) 0x11);
        assertContents(untouched, base, dir);
    }

    @Test
    void qcow2BackingChainWithZeroClusters() throws Exception {
        Path base = create("base.qcow2", "2M");
        QemuTools.io(base, "qcow2", "write -P 0x22 0 2M");
        Path mid = dir.resolve("mid.qcow2");
        img("create", "-f", "qcow2", "-b", base.toString(), "-F", "qcow2", mid.toString());
        // write -z over a backing file makes v3 zero clusters (the zero flag, no data).
        QemuTools.io(mid, "qcow2", "write -P 0x33 65536 65536", "write -z 131072 131072");
        Path top = dir.resolve("top.qcow2");
        img("create", "-f", "qcow2", "-b", "mid.qcow2", "-F", "qcow2", top.toString());
        byte[] model = new byte[2 * MIB];
        Arrays.fill(model, (byte) 0x22);
        Arrays.fill(model, 65536, 131072, (byte) 0x33);
        Arrays.fill(model, 131072, 262144, (byte) 0);
        try (DiskImage image = open(top, false)) {
            assertEquals(mid, image.backing().path());
            assertNotNull(image.backing().backing());
            assertNull(image.backing().backing().backing());
            assertArrayEquals(model, read(image, 0, model.length));
            write(image, model, 131072 + 100, new byte[] {9});
            assertArrayEquals(model, read(image, 0, model.length));
        }
        checkClean(top);
        assertContents(model, top, dir);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void writeZeroesAndDiscardFreeWholeClusters(boolean withBacking) throws Exception {
        Path path;
        byte[] model = new byte[4 * MIB];
        if (withBacking) {
            Path base = dir.resolve("base.raw");
            img("create", "-f", "raw", base.toString(), "4M");
            QemuTools.io(base, "raw", "write -P 0x44 0 4M");
            Arrays.fill(model, (byte) 0x44);
            path = dir.resolve("top.qcow2");
            img("create", "-f", "qcow2", "-b", "base.raw", "-F", "raw", path.toString());
        } else {
            path = create("z.qcow2", "4M");
        }
        Random rnd = new Random(7);
        try (DiskImage image = open(path, false)) {
            byte[] data = new byte[3 * MIB];
            rnd.nextBytes(data);
            write(image, model, 0, data);
            image.writeZeroes(10_000, 300_000, true);
            Arrays.fill(model, 10_000, 310_000, (byte) 0);
            image.writeZeroes(65536 * 10, 65536 * 3, false);
            Arrays.fill(model, 65536 * 10, 65536 * 13, (byte) 0);
            // A discard frees whole clusters: they read as zero here (zero flag over a backing file, unallocated
            // without one), while a partial cluster keeps its data.
            image.discard(65536 * 20 + 5, 65536 * 4);
            Arrays.fill(model, 65536 * 21, 65536 * 24, (byte) 0);
            assertArrayEquals(model, read(image, 0, model.length));
            image.flush();
        }
        checkClean(path);
        assertContents(model, path, dir);
    }

    @Test
    void version2WithoutZeroFlagStillZeroes() throws Exception {
        Path base = dir.resolve("base.raw");
        img("create", "-f", "raw", base.toString(), "1M");
        QemuTools.io(base, "raw", "write -P 0x66 0 1M");
        Path path = dir.resolve("v2.qcow2");
        img("create", "-f", "qcow2", "-o", "compat=0.10", "-b", "base.raw", "-F", "raw", path.toString());
        byte[] model = new byte[MIB];
        Arrays.fill(model, (byte) 0x66);
        try (DiskImage image = open(path, false)) {
            image.writeZeroes(0, 65536 * 2, true);
            Arrays.fill(model, 0, 65536 * 2, (byte) 0);
            // Version 2 cannot mark a cluster zero over a backing file, so a discard must leave the data.
            image.discard(65536 * 4, 65536 * 2);
            assertArrayEquals(model, read(image, 0, model.length));
        }
        checkClean(path);
        assertContents(model, path, dir);
    }

    @Test
    void compressedClustersAreReadAndRewritten() throws Exception {
        byte[] model = new byte[8 * MIB];
        Path path = TestQcow2.compressed(dir, model, 3);
        assertTrue(Files.size(path) < model.length / 2, "qemu-img did not compress");
        try (DiskImage image = open(path, false)) {
            assertArrayEquals(model, read(image, 0, model.length));
            write(image, model, 65536 * 3 + 17, new byte[] {1, 2, 3, 4});
            image.discard(65536 * 5, 65536);
            Arrays.fill(model, 65536 * 5, 65536 * 6, (byte) 0);
            assertArrayEquals(model, read(image, 0, model.length));
        }
        checkClean(path);
        assertContents(model, path, dir);
    }

    @Test
    void refcountTableGrowsWhenTheFileOutgrowsIt() throws Exception {
        // 512-byte clusters: qemu-img gives a 1-cluster refcount table, 64 blocks of 256 clusters, which describe
        // only the first 8 MiB of the file; 20 MiB of data needs the table to move at least twice.
        Path path = create("small.qcow2", "24M", "cluster_size=512");
        byte[] model = new byte[24 * MIB];
        Random rnd = new Random(5);
        try (DiskImage image = open(path, false)) {
            byte[] chunk = new byte[MIB];
            for (int i = 0; i < 20; i++) {
                rnd.nextBytes(chunk);
                write(image, model, (long) i * MIB + 7, chunk);
            }
            assertArrayEquals(model, read(image, 0, model.length));
        }
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "r")) {
            f.seek(56);
            assertTrue(f.readInt() >= 4, "the refcount table did not grow");
        }
        checkClean(path);
        assertContents(model, path, dir);
    }

    @Test
    void refusesDirtyCorruptAndUnknownIncompatibleFeatures() throws Exception {
        for (int bit : new int[] {0, 1, 2, 4, 5}) {
            Path path = create("f" + bit + ".qcow2", "1M");
            try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
                f.seek(72);
                f.writeLong(1L << bit);
            }
            ImageFormatException e = assertThrows(ImageFormatException.class, () -> open(path, false));
            assertTrue(e.getMessage().startsWith(path.toString()), e.getMessage());
            assertTrue(e.getMessage().contains(bit <= 1 ? "qemu-img check -r all" : "not supported"),
                    e.getMessage());
        }
    }

    @Test
    void lazyRefcountImagesOpen() throws Exception {
        Path path = create("lazy.qcow2", "1M", "lazy_refcounts=on");
        try (DiskImage image = open(path, false)) {
            image.write(ByteBuffer.wrap(new byte[] {1}), 0);
        }
        checkClean(path);
    }

    @Test
    void backingLoopIsRefused() throws Exception {
        Path a = create("a.qcow2", "1M");
        Path b = dir.resolve("b.qcow2");
        img("create", "-f", "qcow2", "-b", "a.qcow2", "-F", "qcow2", b.toString());
        img("rebase", "-u", "-f", "qcow2", "-b", "b.qcow2", "-F", "qcow2", a.toString());
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> open(b, true));
        assertTrue(e.getMessage().contains("loops"), e.getMessage());
    }

    @Test
    void rangesOutsideTheDiskAreRefused() throws Exception {
        Path path = create("o.qcow2", "1M");
        try (DiskImage image = open(path, false)) {
            assertThrows(IOException.class, () -> image.read(ByteBuffer.allocate(2), MIB - 1));
            assertThrows(IOException.class, () -> image.write(ByteBuffer.allocate(1), -1));
            assertThrows(IOException.class, () -> image.writeZeroes(Long.MAX_VALUE, 2, true));
        }
        checkClean(path);
    }
}

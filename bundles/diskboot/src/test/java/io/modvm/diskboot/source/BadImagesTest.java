package io.modvm.diskboot.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.boot.BootMenu;
import io.modvm.api.boot.BootSourceException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's bad input, each hand-made from a good image: one line naming the image and what is wrong, never another
 * exception, a huge allocation or a loop.
 */
@Timeout(60)
class BadImagesTest {
    private static final byte[] KERNEL = DiskBootSourceTest.KERNEL;

    @TempDir
    Path dir;
    private final List<FileDisk> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (FileDisk d : open) {
            d.close();
        }
    }

    private Optional<BootMenu> read(Path image) throws Exception {
        FileDisk disk = new FileDisk(image);
        open.add(disk);
        return new DiskBootSource().read(disk);
    }

    private static String oneLine(Executable e, String... expected) {
        BootSourceException x = assertThrows(BootSourceException.class, e);
        String m = x.getMessage();
        assertFalse(m.contains("\n"), m);
        for (String s : expected) {
            assertTrue(m.contains(s), "'" + s + "' in: " + m);
        }
        return m;
    }

    /** A whole-disk ext4 image whose extlinux.conf boots {@code kernelPath}, with extra tree contents. */
    private Path wholeDisk(String kernelPath, TreeMaker extra) throws Exception {
        Path tree = Files.createDirectories(dir.resolve("root"));
        TestImages.put(tree, "/boot/vmlinuz", KERNEL);
        TestImages.put(tree, "/extlinux.conf", ("DEFAULT x\nLABEL x\nLINUX " + kernelPath + "\n")
                .getBytes(StandardCharsets.UTF_8));
        extra.make(tree);
        return TestImages.ext(dir.resolve("disk.ext4"), tree, "ext4", 8, "-b", "4096");
    }

    interface TreeMaker {
        void make(Path tree) throws Exception;
    }

    private static void poke(Path image, long offset, byte... bytes) throws Exception {
        try (FileChannel c = FileChannel.open(image, StandardOpenOption.WRITE)) {
            c.write(ByteBuffer.wrap(bytes), offset);
        }
    }

    @Test
    void noPartitionTableAndNoFileSystemIsNothingToBoot() throws Exception {
        Path image = dir.resolve("zero.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        assertEquals(Optional.empty(), read(image));
    }

    @Test
    void aPartitionWithAnUnknownFileSystemIsNothingToBoot() throws Exception {
        Path junk = dir.resolve("junk.fs");
        Files.write(junk, TestImages.pattern(1 << 20, 7));
        Path image = TestImages.disk(dir.resolve("unknown.img"), "dos", List.of(junk), List.of("83"));
        assertEquals(Optional.empty(), read(image));
    }

    @Test
    void aCorruptSuperblockIsOneLine() throws Exception {
        Path image = wholeDisk("/boot/vmlinuz", t -> { });
        poke(image, 1024 + 24, (byte) 40, (byte) 0, (byte) 0, (byte) 0); // s_log_block_size
        oneLine(() -> read(image), "disk.ext4", "corrupt superblock", "e2fsck");
    }

    @Test
    void aCorruptExtentTreeIsOneLineWhenTheKernelIsRead() throws Exception {
        Path image = wholeDisk("/boot/vmlinuz", t -> { });
        long inode = inodeOffset(image, "/boot/vmlinuz");
        poke(image, inode + 40, (byte) 0x0B, (byte) 0xAD); // the extent header's magic
        BootMenu menu = read(image).orElseThrow();
        oneLine(() -> menu.defaultEntry().kernel().read(1 << 30), "inode", "corrupt extent tree");
        poke(image, inode + 40, (byte) 0x0A, (byte) 0xF3, (byte) 200, (byte) 0); // valid magic, 200 of 4 entries
        oneLine(() -> menu.defaultEntry().kernel().read(1 << 30), "corrupt extent tree", "200 of 4");
    }

    @Test
    void anExtentPointingOutsideTheFileSystemIsOneLine() throws Exception {
        Path image = wholeDisk("/boot/vmlinuz", t -> { });
        long inode = inodeOffset(image, "/boot/vmlinuz");
        poke(image, inode + 40 + 12 + 8, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x7F); // ee_start_lo
        BootMenu menu = read(image).orElseThrow();
        oneLine(() -> menu.defaultEntry().kernel().read(1 << 30), "outside the file system");
    }

    @Test
    void aDirectoryLinkedIntoItselfEndsTheLookup() throws Exception {
        Path image = wholeDisk("/boot/self/self/self/self/vmlinuz", t -> { });
        debugfs(image, true, "ln /boot /boot/self");
        BootMenu menu = read(image).orElseThrow();
        assertArrayEquals(KERNEL, DiskBootSourceTest.bytes(menu.defaultEntry().kernel().read(1 << 30)));
    }

    @Test
    void aSymlinkLoopIsOneLine() throws Exception {
        Path image = wholeDisk("/boot/a", t -> {
            Files.createSymbolicLink(t.resolve("boot/a"), Path.of("b"));
            Files.createSymbolicLink(t.resolve("boot/b"), Path.of("a"));
        });
        BootMenu menu = read(image).orElseThrow();
        oneLine(() -> menu.defaultEntry().kernel().read(1 << 30), "disk.ext4", "symlink loop", "/boot/a");
    }

    @Test
    void anEntryNamingAMissingKernelIsOneLine() throws Exception {
        Path image = wholeDisk("/boot/vmlinuz-missing", t -> { });
        BootMenu menu = read(image).orElseThrow();
        oneLine(() -> menu.defaultEntry().kernel().read(1 << 30), "disk.ext4 whole disk (ext4)",
                "/boot/vmlinuz-missing", "does not exist", "-boot entry=");
    }

    @Test
    void aFourGibibyteKernelIsRefusedUnread() throws Exception {
        Path image = wholeDisk("/boot/vmlinuz", t -> { });
        debugfs(image, true, "sif /boot/vmlinuz size 4294967296");
        BootMenu menu = read(image).orElseThrow();
        oneLine(() -> menu.defaultEntry().kernel().read(256L << 20), "/boot/vmlinuz", "4294967296 bytes",
                "more than the 268435456");
    }

    @Test
    void anImageTruncatedMidFileIsOneLine() throws Exception {
        Path image = DiskBootSourceTest.cirrosLike(dir);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        oneLine(() -> read(image), "disk.img", "truncated");
        Path whole = wholeDisk("/boot/vmlinuz", t -> { });
        try (RandomAccessFile f = new RandomAccessFile(whole.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        oneLine(() -> read(whole), "disk.ext4", "truncated");
    }

    @Test
    void aGptWithABadChecksumIsOneLine() throws Exception {
        Path fs = TestImages.ext(dir.resolve("p.ext4"), Files.createDirectories(dir.resolve("t")), "ext4", 4);
        Path image = TestImages.disk(dir.resolve("gpt.img"), "gpt", List.of(fs),
                List.of("0FC63DAF-8483-4772-8E79-3D69D8477DE4"));
        poke(image, 1024 + 40 + 7, (byte) 0x11); // the first entry's first LBA, covered by the array's CRC
        oneLine(() -> read(image), "gpt.img", "CRC-32", "gdisk");
    }

    @Test
    void anExtendedPartitionChainThatLoopsIsOneLine() throws Exception {
        Path image = dir.resolve("ebr.img");
        try (FileChannel c = FileChannel.open(image, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            c.write(ByteBuffer.allocate(1), 8192L * 512);
            c.write(record(0, 0x05, 2048, 4096), 0); // the MBR: an extended partition
            c.write(record(1, 0x05, 100, 10), 2048L * 512); // on to the record at 2048 + 100
            c.write(record(1, 0x05, 100, 10), 2148L * 512); // and on to 2048 + 100 again: itself
        }
        oneLine(() -> read(image), "ebr.img", "loops");
    }

    /** A boot record whose only used entry is number {@code entry} (an EBR's link to the next is entry 1). */
    private static ByteBuffer record(int entry, int type, int start, int sectors) {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        int at = 446 + 16 * entry;
        b.put(at + 4, (byte) type).putInt(at + 8, start).putInt(at + 12, sectors).putShort(510, (short) 0xAA55);
        return b;
    }

    /** Where an inode lies in the image, as debugfs's imap says. */
    private static long inodeOffset(Path image, String path) throws Exception {
        String out = debugfs(image, false, "imap " + path);
        Matcher m = Pattern.compile("located at block (\\d+), offset 0x([0-9a-f]+)").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1)) * 4096 + Long.parseLong(m.group(2), 16);
    }

    private static String debugfs(Path image, boolean write, String request) throws Exception {
        TestImages.require("debugfs");
        List<String> cmd = new ArrayList<>(List.of("debugfs"));
        if (write) {
            cmd.add("-w");
        }
        cmd.addAll(List.of("-R", request, image.toString()));
        return TestImages.run(cmd);
    }
}

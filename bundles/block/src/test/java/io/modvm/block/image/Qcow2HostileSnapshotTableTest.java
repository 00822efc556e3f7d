package io.modvm.block.image;

import static io.modvm.testkit.QemuTools.img;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import io.modvm.block.InternalSnapshots;
import io.modvm.block.SnapshotInfo;
import io.modvm.testkit.QemuTools;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot tables that a hostile or damaged image carries: each is refused at open with one line naming the file,
 * without reading or allocating more than the table's bounds allow.
 */
class Qcow2HostileSnapshotTableTest {
    private static final int CLUSTER = 65536;
    private static final int NB_SNAPSHOTS = 60;
    private static final int SNAPSHOTS_OFFSET = 64;

    @TempDir
    Path dir;
    private Path base;

    @BeforeEach
    void image() throws Exception {
        QemuTools.require();
        base = dir.resolve("base.qcow2");
        img("create", "-f", "qcow2", base.toString(), "1M");
        QemuTools.io(base, "qcow2", "write -P 0x5a 0 256k");
        img("snapshot", "-c", "first", base.toString());
        QemuTools.io(base, "qcow2", "write -P 0x6b 0 64k");
        img("snapshot", "-c", "second", base.toString());
    }

    private interface Damage {
        void apply(RandomAccessFile f, long table) throws IOException;
    }

    /** A copy of the base image with {@code damage} done to it; {@code table} is the snapshot table's offset. */
    private Path damaged(String name, Damage damage) throws IOException {
        Path path = dir.resolve(name + ".qcow2");
        Files.copy(base, path, StandardCopyOption.REPLACE_EXISTING);
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
            f.seek(SNAPSHOTS_OFFSET);
            damage.apply(f, f.readLong());
        }
        return path;
    }

    private void refused(String name, String expected, Damage damage) throws IOException {
        Path path = damaged(name, damage);
        ImageFormatException e = assertThrows(ImageFormatException.class,
                () -> ImageOpener.open(path, null, false, CacheMode.WRITEBACK));
        assertOneLine(path, e);
        assertTrue(e.getMessage().contains(expected), name + ": " + e.getMessage());
    }

    private static void assertOneLine(Path path, IOException e) {
        assertTrue(e.getMessage().startsWith(path.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
    }

    /** Puts a crafted entry in a new cluster at the end of the file and points the header at it, count 1. */
    private static void craftedEntry(RandomAccessFile f, long l1Offset, int l1Size, int extra, byte[] id, int nameSize,
            byte[] name) throws IOException {
        long at = (f.length() + CLUSTER - 1) / CLUSTER * CLUSTER;
        f.setLength(at + CLUSTER);
        f.seek(at);
        f.writeLong(l1Offset);
        f.writeInt(l1Size);
        f.writeShort(id.length);
        f.writeShort(nameSize);
        f.writeLong(0);
        f.writeLong(0);
        f.writeInt(0);
        f.writeInt(extra);
        f.seek(at + 40 + extra);
        f.write(id);
        f.write(name);
        f.seek(NB_SNAPSHOTS);
        f.writeInt(1);
        f.writeLong(at);
    }

    @Test
    void countsAndOffsetsOutsideTheFileAreRefused() throws Exception {
        refused("count", "snapshot count", (f, table) -> {
            f.seek(NB_SNAPSHOTS);
            f.writeInt(65537);
        });
        refused("negative-count", "snapshot count", (f, table) -> {
            f.seek(NB_SNAPSHOTS);
            f.writeInt(-1);
        });
        refused("count-past-end", "snapshot table", (f, table) -> {
            f.seek(NB_SNAPSHOTS);
            f.writeInt(65536);
        });
        refused("offset-past-end", "snapshot table", (f, table) -> {
            f.seek(SNAPSHOTS_OFFSET);
            f.writeLong(f.length() + CLUSTER);
        });
        refused("misaligned", "misaligned", (f, table) -> {
            f.seek(SNAPSHOTS_OFFSET);
            f.writeLong(table + 8);
        });
        refused("truncated", "past the end", (f, table) -> f.setLength(table + 50));
    }

    @Test
    void entriesThatRunAwayAreRefused() throws Exception {
        refused("extra", "extra data", (f, table) -> {
            f.seek(table + 36);
            f.writeInt(Integer.MAX_VALUE);
        });
        refused("name-past-end", "past the end",
                (f, table) -> craftedEntry(f, 0, 0, 24, "1".getBytes(), 0xFFFF, new byte[0]));
        refused("l1-size", "L1 table of", (f, table) -> {
            f.seek(table + 8);
            f.writeInt(Integer.MAX_VALUE);
        });
        refused("l1-past-end", "past the end of the file", (f, table) -> {
            f.seek(table);
            f.writeLong(f.length() / CLUSTER * CLUSTER + 16L * CLUSTER);
        });
        refused("not-utf8", "not UTF-8", (f, table) -> craftedEntry(f, 0, 0, 24, "1".getBytes(), 3,
                new byte[] {(byte) 0xff, (byte) 0xfe, 'a'}));
    }

    @Test
    void overlappingMetadataIsRefused() throws Exception {
        refused("on-active-l1", "overlaps", (f, table) -> {
            f.seek(40);
            long activeL1 = f.readLong();
            f.seek(table);
            f.writeLong(activeL1);
        });
        refused("on-header", "overlaps", (f, table) -> {
            f.seek(table);
            f.writeLong(0);
        });
        refused("on-each-other", "overlaps", (f, table) -> {
            f.seek(table);
            long first = f.readLong();
            long second = (table + 40 + 24 + 1 + 5 + 7) & ~7L;
            f.seek(second);
            f.writeLong(first);
        });
        refused("on-the-table", "overlaps", (f, table) -> {
            f.seek(table);
            f.writeLong(table);
        });
    }

    @Test
    void aTableLargerThanQemuAllowsIsRefusedWithoutReadingItAll() throws Exception {
        // Entries of 1 KiB extra data and a 64 KiB name each: 1100 of them pass the 64 MiB QEMU allows. The file is
        // sparse, so this costs no disk.
        refused("huge", "larger than", (f, table) -> {
            long at = (f.length() + CLUSTER - 1) / CLUSTER * CLUSTER;
            long entry = (40 + 1024 + 0xFFFF + 7) & ~7L;
            f.setLength(at + 1100 * entry + CLUSTER);
            for (int i = 0; i < 1100; i++) {
                f.seek(at + i * entry + 14);
                f.writeShort(0xFFFF);
                f.seek(at + i * entry + 36);
                f.writeInt(1024);
            }
            f.seek(NB_SNAPSHOTS);
            f.writeInt(1100);
            f.writeLong(at);
        });
    }

    @Test
    void randomDamageIsRefusedOrSurvived() throws Exception {
        Random rnd = new Random(42);
        int opened = 0;
        int refused = 0;
        for (int round = 0; round < 300; round++) {
            Path path = damaged("fuzz", (f, table) -> {
                int flips = 1 + rnd.nextInt(6);
                for (int i = 0; i < flips; i++) {
                    long at = rnd.nextInt(8) == 0 ? NB_SNAPSHOTS + rnd.nextInt(12) : table + rnd.nextInt(160);
                    f.seek(at);
                    f.write(rnd.nextInt(4) == 0 ? 0xff : rnd.nextInt(256));
                }
            });
            try (DiskImage image = ImageOpener.open(path, null, false, CacheMode.WRITEBACK)) {
                // Opened: whatever the damage left must still be handled without anything but IOException.
                opened++;
                InternalSnapshots snapshots = image.internalSnapshots();
                for (SnapshotInfo s : snapshots.list()) {
                    try {
                        snapshots.goTo(s.id());
                        image.read(ByteBuffer.allocate(4096), 0);
                        snapshots.delete(s.id());
                    } catch (IOException e) {
                        assertOneLine(path, e);
                    }
                }
            } catch (ImageFormatException e) {
                refused++;
                assertOneLine(path, e);
            } catch (RuntimeException | Error e) {
                fail("round " + round + ": " + e, e);
            }
        }
        // Both outcomes must occur, or the damage missed the table (or spared nothing).
        assertTrue(opened > 20 && refused > 20, opened + " opened, " + refused + " refused");
    }
}

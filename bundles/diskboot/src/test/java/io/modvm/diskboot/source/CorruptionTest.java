package io.modvm.diskboot.source;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.modvm.api.boot.BootEntry;
import io.modvm.api.boot.BootFile;
import io.modvm.api.boot.BootMenu;
import io.modvm.api.boot.BootSourceException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random damage to the metadata of a good image (its partition table, superblock, group descriptors, inode tables
 * and directories): each read either succeeds or ends in one line, and never in a check this reader lacks (which
 * the source would wrap, so a wrapped runtime exception here is a bug).
 */
class CorruptionTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void damagedMetadataEndsInOneLineOrABoot() throws Exception {
        Path good = DiskBootSourceTest.cirrosLike(dir);
        Path bad = dir.resolve("bad.img");
        Random random = new Random(Long.getLong("corruption.seed", 15));
        long metadataEnd = 2048L * 512 + (1 << 20); // the MBR, then the first MiB of the partition
        for (int round = 0; round < Integer.getInteger("corruption.rounds", 150); round++) {
            Files.copy(good, bad, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel c = FileChannel.open(bad, StandardOpenOption.WRITE)) {
                for (int hit = 0; hit < 1 + random.nextInt(8); hit++) {
                    long at = random.nextInt(8) == 0 ? random.nextInt(512) : 2048L * 512 + random.nextInt(1 << 20);
                    c.write(ByteBuffer.wrap(new byte[] {(byte) random.nextInt(256)}), Math.min(at, metadataEnd));
                }
            }
            try (FileDisk disk = new FileDisk(bad)) {
                Optional<BootMenu> menu = new DiskBootSource().read(disk);
                if (menu.isPresent()) {
                    for (BootEntry e : menu.get().entries()) {
                        readAll(e.kernel());
                        for (BootFile f : e.initrds()) {
                            readAll(f);
                        }
                    }
                }
            } catch (BootSourceException e) {
                check(e, round);
            }
        }
    }

    private static void readAll(BootFile f) {
        try {
            f.read(64 << 20);
        } catch (BootSourceException e) {
            check(e, -1);
        }
    }

    private static void check(BootSourceException e, int round) {
        if (e.getCause() instanceof RuntimeException r) {
            fail("round " + round + ": a check is missing: " + r, r);
        }
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}

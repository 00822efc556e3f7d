package io.modvm.diskboot.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modvm.api.boot.BootMenu;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each FAT size, whole-disk and partitioned, with a syslinux.cfg and a file under a long name. */
class FatVariantsTest {
    private static final byte[] KERNEL = DiskBootSourceTest.KERNEL;

    @TempDir
    Path dir;
    private FileDisk disk;

    @AfterEach
    void close() throws Exception {
        if (disk != null) {
            disk.close();
        }
    }

    private Map<String, byte[]> files() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("/syslinux/syslinux.cfg", "DEFAULT live\nLABEL live\n  KERNEL vmlinuz-with-a-long-name\n  APPEND quiet\n"
                .getBytes(StandardCharsets.UTF_8));
        files.put("/syslinux/vmlinuz-with-a-long-name", KERNEL);
        return files;
    }

    private void boots(Path image, String where) throws Exception {
        disk = new FileDisk(image);
        BootMenu menu = new DiskBootSource().read(disk).orElseThrow();
        assertEquals(where + " /syslinux/syslinux.cfg", menu.defaultEntry().where());
        assertEquals("quiet", menu.defaultEntry().cmdline());
        assertArrayEquals(KERNEL, DiskBootSourceTest.bytes(menu.defaultEntry().kernel().read(1 << 30)));
    }

    @Test
    void fat12OnTheWholeDisk() throws Exception {
        boots(TestImages.vfat(dir.resolve("fat12.img"), 4, files(), "-F", "12"), "whole disk (vfat)");
    }

    @Test
    void fat16InAnMbrPartition() throws Exception {
        Path fs = TestImages.vfat(dir.resolve("fat16.fs"), 20, files(), "-F", "16");
        boots(TestImages.disk(dir.resolve("fat16.img"), "dos", List.of(fs), List.of("e")), "partition 1 (vfat)");
    }

    @Test
    void fat32InAGptPartition() throws Exception {
        Path fs = TestImages.vfat(dir.resolve("fat32.fs"), 40, files(), "-F", "32");
        boots(TestImages.disk(dir.resolve("fat32.img"), "gpt", List.of(fs),
                List.of("C12A7328-F81F-11D2-BA4B-00A0C93EC93B")), "partition 1 (vfat)");
    }
}

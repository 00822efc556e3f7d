package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * virtio-blk-pci from {@code -drive} driven by a tiny guest (guests/virtio_blk.c) that reads sectors 0..7, writes
 * sectors 16..19 and FLUSHes, asks for the ID, and reads one sector past the end, printing each status.
 */
@Timeout(180)
class VirtioBlkIT {
    private static final int SECTORS = 8192;   // 4 MiB
    private static final int WRITTEN = 16;
    private static final int WRITTEN_COUNT = 4;

    @TempDir
    Path dir;

    @BeforeEach
    void deviceInstalled() throws Exception {
        DeviceTypes.assertInstalled("virtio-blk-pci");
    }

    private ModvmProcess boot(String drive) throws Exception {
        ModvmProcess p = VirtioGuests.runToExit("virtio_blk", "-drive", drive);
        assertTrue(p.stdout().contains("blk: done"), p.stdout());
        return p;
    }

    private Path rawImage() throws Exception {
        return DiskImages.patterned(dir.resolve("disk.raw"), SECTORS);
    }

    @Test
    void readsTheSectorsTheHostFilled() throws Exception {
        ModvmProcess p = boot("file=" + rawImage() + ",if=virtio,format=raw");
        assertTrue(p.stdout().contains("blk: read 0..7 status 0 (OK)"), p.stdout());
        assertHostSectorsRead(p);
    }

    private static void assertHostSectorsRead(ModvmProcess p) {
        for (int s = 0; s < 8; s++) {
            String line = "blk: sector " + s + " fnv " + DiskImages.fnv(DiskImages.hostSector(s));
            assertTrue(p.stdout().contains(line), "expected '" + line + "' in:\n" + p.stdout());
        }
    }

    @Test
    void writtenSectorsAreInTheFileAfterFlush() throws Exception {
        Path image = rawImage();
        ModvmProcess p = boot("file=" + image + ",if=virtio,format=raw");
        assertTrue(p.stdout().contains("blk: write 16..19 status 0 (OK)"), p.stdout());
        assertTrue(p.stdout().contains("blk: flush status 0 (OK)"), p.stdout());
        byte[] after = Files.readAllBytes(image);
        for (int s = WRITTEN; s < WRITTEN + WRITTEN_COUNT; s++) {
            assertArrayEquals(DiskImages.guestSector(s), DiskImages.sector(after, s), "sector " + s);
        }
        assertArrayEquals(DiskImages.hostSector(WRITTEN + WRITTEN_COUNT),
                DiskImages.sector(after, WRITTEN + WRITTEN_COUNT), "the sector after the written ones");
    }

    @Test
    void getIdReturnsTheDriveSerial() throws Exception {
        ModvmProcess p = boot("file=" + rawImage() + ",if=virtio,format=raw,serial=modvm-disk-7");
        assertTrue(p.stdout().contains("blk: get_id status 0 (OK) id 'modvm-disk-7'"), p.stdout());
    }

    @Test
    void readOnlyDriveFailsWritesWithIoerrAndKeepsTheFile() throws Exception {
        Path image = rawImage();
        byte[] before = Files.readAllBytes(image);
        ModvmProcess p = boot("file=" + image + ",if=virtio,format=raw,readonly=on");
        assertTrue(p.stdout().contains("blk: write 16..19 status 1 (IOERR)"), p.stdout());
        assertArrayEquals(before, Files.readAllBytes(image), "a read-only image changed");
    }

    @Test
    void readPastTheEndFailsWithIoerr() throws Exception {
        ModvmProcess p = boot("file=" + rawImage() + ",if=virtio,format=raw");
        assertTrue(p.stdout().contains("blk: capacity " + SECTORS + " sectors"), p.stdout());
        assertTrue(p.stdout().contains("blk: read past the end (sector " + SECTORS + ") status 1 (IOERR)"),
                p.stdout());
    }

    @Test
    void qcow2ImageReadsWhatQemuImgConverted() throws Exception {
        DiskImages.assumeQemuImg();
        Path raw = rawImage();
        Path qcow2 = dir.resolve("disk.qcow2");
        DiskImages.Result made = DiskImages.qemuImg("convert", "-f", "raw", "-O", "qcow2", raw.toString(),
                qcow2.toString());
        assertEquals(0, made.exit(), made.output());
        assertHostSectorsRead(boot("file=" + qcow2 + ",if=virtio,format=qcow2"));
    }

    @Test
    void qcow2WritesPassQemuImgCheckAndShowInItsRawConversion() throws Exception {
        DiskImages.assumeQemuImg();
        Path qcow2 = dir.resolve("empty.qcow2");
        DiskImages.Result made = DiskImages.qemuImg("create", "-f", "qcow2", qcow2.toString(), "4M");
        assertEquals(0, made.exit(), made.output());
        ModvmProcess p = boot("file=" + qcow2 + ",if=virtio,format=qcow2");
        assertTrue(p.stdout().contains("blk: write 16..19 status 0 (OK)"), p.stdout());
        String zeroSector = DiskImages.fnv(new byte[DiskImages.SECTOR]);
        assertTrue(p.stdout().contains("blk: sector 0 fnv " + zeroSector), "an empty image reads as zeros:\n"
                + p.stdout());

        DiskImages.Result check = DiskImages.qemuImg("check", qcow2.toString());
        assertEquals(0, check.exit(), check.output());
        Path out = dir.resolve("converted.raw");
        DiskImages.Result conv = DiskImages.qemuImg("convert", "-f", "qcow2", "-O", "raw", qcow2.toString(),
                out.toString());
        assertEquals(0, conv.exit(), conv.output());
        byte[] converted = Files.readAllBytes(out);
        for (int s = WRITTEN; s < WRITTEN + WRITTEN_COUNT; s++) {
            assertArrayEquals(DiskImages.guestSector(s), DiskImages.sector(converted, s), "sector " + s);
        }
        assertArrayEquals(new byte[DiskImages.SECTOR], DiskImages.sector(converted, 0), "sector 0 stays zero");
    }
}

package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linux's own ata_piix driver against modvm's PIIX IDE controller, as on QEMU's pc: the kernel finds the function,
 * resets both channels, tells the disk from the CD-ROM by their signatures, IDENTIFYs them, and hands them to the
 * SCSI disk and CD-ROM drivers, which read the disk's capacity and partition table and the CD's capabilities. All of
 * it happens before /init, so the kernel log shows it on a PVM host too.
 */
class LinuxIdeIT {
    private static final Duration BOOT = Duration.ofMinutes(10);
    private static final int SECTORS = 65536;

    @TempDir
    Path dir;

    @Test
    @Timeout(900)
    void ataPiixFindsTheDiskAndTheCdrom() throws Exception {
        DeviceTypes.assertInstalled("ide-hd", "ide-cd");
        IsoImages.assumeXorriso();
        Path kernelConfig = LinuxGuest.file("config");
        // A default guest built before tools/guest/kernel.config had the IDE drivers cannot show them: say so and
        // skip (tools/test rebuilds the guest first, since its stamp covers kernel.config).
        assumeTrue(Files.readString(kernelConfig).contains("CONFIG_ATA_PIIX=y"), kernelConfig + " has no ata_piix: "
                + "the cached default guest predates its IDE drivers; rebuild it with tools/guest/build");
        Path disk = DiskImages.patterned(dir.resolve("disk.raw"), SECTORS);
        byte[] mbr = DiskImages.hostSector(0);
        // One Linux partition from sector 2048 to the end, so that sd's partition scan shows sda1; the other three
        // entries empty (Linux ignores a table whose entries have boot flags other than 0 and 0x80).
        java.util.Arrays.fill(mbr, 446, 510, (byte) 0);
        mbr[446 + 4] = (byte) 0x83;
        putLe(mbr, 446 + 8, 2048);
        putLe(mbr, 446 + 12, SECTORS - 2048);
        mbr[510] = 0x55;
        mbr[511] = (byte) 0xAA;
        try (var f = java.nio.channels.FileChannel.open(disk, java.nio.file.StandardOpenOption.WRITE)) {
            f.write(java.nio.ByteBuffer.wrap(mbr), 0);
        }
        Path content = Files.createDirectories(dir.resolve("iso"));
        Files.writeString(content.resolve("readme.txt"), "modvm\n");
        Path iso = IsoImages.make(dir.resolve("cd.iso"), content, null);
        try (ModvmProcess p = ModvmProcess.start("-m", "256", "-no-reboot",
                "-kernel", LinuxGuest.file("bzImage").toString(),
                "-initrd", LinuxGuest.file("initramfs-pause.cpio").toString(),
                "-append", LinuxGuest.cmdline(""),
                "-drive", "file=" + disk + ",if=none,id=d0,format=raw", "-device", "ide-hd,drive=d0",
                "-drive", "file=" + iso + ",if=none,id=cd0,format=raw,readonly=on", "-device",
                "ide-cd,drive=cd0,bus=ide.1,unit=0")) {
            p.awaitOutput("Run /init as init process", BOOT);
            String log = p.stdout();
            assertTrue(log.contains("[8086:7010] type 00 class 0x010180"), "enumerated:\n" + log);
            assertTrue(Pattern.compile("ata1: PATA max \\S+ cmd 0x1f0 ctl 0x3f6 bmdma 0x\\p{XDigit}+ irq 14")
                    .matcher(log).find(), "the primary channel in legacy mode with bus mastering:\n" + log);
            assertTrue(Pattern.compile("ata1\\.00: ATA-\\d+: QEMU HARDDISK, 2\\.5\\+, max ").matcher(log).find(),
                    "the disk identified:\n" + log);
            assertTrue(log.contains("ata1.00: " + SECTORS + " sectors, multi 16: LBA48"), log);
            assertTrue(Pattern.compile("ata2\\.00: ATAPI: QEMU DVD-ROM, 2\\.5\\+, max ").matcher(log).find(),
                    "the CD identified:\n" + log);
            assertTrue(Pattern.compile("sd 0:0:0:0: \\[sda\\] " + SECTORS + " 512-byte logical blocks")
                    .matcher(log).find(), "sd read the capacity:\n" + log);
            assertTrue(log.contains(" sda: sda1"), "and the partition table:\n" + log);
            assertTrue(Pattern.compile("scsi 1:0:0:0: CD-ROM +QEMU +QEMU DVD-ROM").matcher(log).find(),
                    "the CD on the SCSI bus:\n" + log);
            assertTrue(Pattern.compile("sr 1:0:0:0: \\[sr0\\]").matcher(log).find(), "sr took it:\n" + log);
            assertTrue(!log.contains("lost interrupt") && !log.contains("exception Emask"), "libata's error "
                    + "handling never ran:\n" + log);
        }
    }

    private static void putLe(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }
}

package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The firmware path: the system's SeaBIOS (Debian's seabios package) on modvm's pc chipset with fw_cfg prints its
 * banner on the serial console and boots the project's boot sector ({@link BootSectorDisk}) from a virtio-blk disk
 * (SeaBIOS drives modern virtio-pci); {@code bootindex} decides between two bootable disks; a bad {@code -bios} is
 * one line. QEMU 7.2 with the same SeaBIOS reaches a boot sector in about 5 s on these machines.
 */
@Timeout(300)
class FirmwareIT {
    static final Path SYSTEM_BIOS = Path.of("/usr/share/seabios/bios-256k.bin");
    private static final Duration RUN = Duration.ofSeconds(120);
    private static final String BANNER = "SeaBIOS (version";
    private static final String DEBUG_EXIT = "isa-debug-exit,iobase=0x501,iosize=2";

    @TempDir
    Path dir;

    static void assumeSeaBios() {
        assumeTrue(Files.isRegularFile(SYSTEM_BIOS),
                SYSTEM_BIOS + " is missing (Debian package seabios, see tools/install-deps.sh); the firmware tests "
                        + "need it");
    }

    /** Runs modvm to the guest's exit and checks that the banner came first, then {@code line}. */
    private static ModvmProcess bootsToLine(String line, String... args) throws Exception {
        ModvmProcess p = ModvmProcess.runToEnd(RUN, args);
        String out = p.stdout();
        assertEquals(Guests.status(BootSectorDisk.EXIT_CODE), p.exitValue(),
                "the boot sector ends the guest:\n" + out + "\nstderr:\n" + p.stderr());
        int banner = out.indexOf(BANNER);
        assertTrue(banner >= 0, "SeaBIOS's banner on the serial console:\n" + out);
        assertTrue(out.indexOf(line, banner) > banner, "the boot sector's line after the banner:\n" + out);
        return p;
    }

    private static byte[] sha256(Path file) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }

    @Test
    void seaBiosBootsTheBootSectorOfAVirtioDiskAndLeavesTheImageAsItWas() throws Exception {
        assumeSeaBios();
        Path disk = BootSectorDisk.write(dir.resolve("boot.img"), "boot sector from virtio-blk");
        byte[] before = sha256(disk);
        // The name alone: modvm finds it where QEMU does, in the system's firmware directory.
        ModvmProcess p = bootsToLine("boot sector from virtio-blk", "-nographic", "-m", "128", "-bios",
                "bios-256k.bin", "-drive", "file=" + disk + ",if=virtio,format=raw", "-device", DEBUG_EXIT);
        assertTrue(p.stdout().contains("Booting from Hard Disk"), p.stdout());
        assertArrayEquals(before, sha256(disk), "the firmware path does not write the image");
    }

    @Test
    void theRsdpTheFirmwareLeavesIsModvmsOwn() throws Exception {
        assumeSeaBios();
        Path disk = BootSectorDisk.writeRsdpProbe(dir.resolve("rsdp.img"));
        // SeaBIOS's own tables say BOCHS; modvm's, handed over through etc/table-loader, say MODVM.
        ModvmProcess p = bootsToLine("MODVM ", "-nographic", "-bios", SYSTEM_BIOS.toString(),
                "-drive", "file=" + disk + ",if=virtio,format=raw", "-device", DEBUG_EXIT);
        assertTrue(!p.stdout().contains("BOCHS"), p.stdout());
    }

    @Test
    void aCopyOfTheImageIsFoundInTheLDirectory() throws Exception {
        assumeSeaBios();
        Path firmware = Files.createDirectories(dir.resolve("firmware"));
        Files.copy(SYSTEM_BIOS, firmware.resolve("my-bios.bin"));
        Path disk = BootSectorDisk.write(dir.resolve("boot.img"), "booted by the copy");
        bootsToLine("booted by the copy", "-nographic", "-L", firmware.toString(), "-bios", "my-bios.bin",
                "-drive", "file=" + disk + ",if=virtio,format=raw", "-device", DEBUG_EXIT);
    }

    @Test
    void bootIndexDecidesBetweenTwoBootableDisks() throws Exception {
        assumeSeaBios();
        Path first = BootSectorDisk.write(dir.resolve("first.img"), "the first disk booted");
        Path second = BootSectorDisk.write(dir.resolve("second.img"), "the second disk booted");
        for (int preferSecond = 0; preferSecond < 2; preferSecond++) {
            String expected = preferSecond == 1 ? "the second disk booted" : "the first disk booted";
            ModvmProcess p = bootsToLine(expected, "-nographic", "-bios", SYSTEM_BIOS.toString(),
                    "-drive", "file=" + first + ",if=none,id=d1,format=raw",
                    "-device", "virtio-blk-pci,drive=d1,bootindex=" + (preferSecond == 1 ? 2 : 1),
                    "-drive", "file=" + second + ",if=none,id=d2,format=raw",
                    "-device", "virtio-blk-pci,drive=d2,bootindex=" + (preferSecond == 1 ? 1 : 2),
                    "-device", DEBUG_EXIT);
            String other = preferSecond == 1 ? "the first disk booted" : "the second disk booted";
            assertTrue(!p.stdout().contains(other), "only the preferred disk boots:\n" + p.stdout());
        }
    }

    @Test
    void aFileThatIsNotABiosIsOneLine() throws Exception {
        Path odd = Files.write(dir.resolve("odd.bin"), new byte[100_000]);
        ModvmProcess p = ModvmProcess.runToEnd(RUN, "-nographic", "-bios", odd.toString());
        BadInputIT.assertOneLineError(p, "-bios " + odd + ": not a BIOS image (100000 bytes; a BIOS image is a "
                + "multiple of 64 KiB, at most 16 MiB)");
        Path zeros = Files.write(dir.resolve("zeros.bin"), new byte[64 * 1024]);
        p = ModvmProcess.runToEnd(RUN, "-nographic", "-bios", zeros.toString());
        BadInputIT.assertOneLineError(p, "-bios " + zeros + ": not a BIOS image (no jump at its reset vector");
        p = ModvmProcess.runToEnd(RUN, "-nographic", "-L", dir.toString(), "-bios", "nothere.bin");
        BadInputIT.assertOneLineError(p, "-bios nothere.bin: nothere.bin is in none of [" + dir);
    }
}

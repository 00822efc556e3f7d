package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * QEMU's disk options through bin/modvm: a bare image name (QEMU's {@code -hda}), {@code -hda}, {@code -cdrom},
 * {@code -drive if=ide}, {@code -boot}, {@code bootindex=} and options with two dashes. What these show without a
 * boot from the disk (another part of the work): that each disk option reaches the machine as QEMU's device on the
 * drive, an {@code ide-hd} or {@code ide-cd}, and that a guest runs with it. Where this distribution has no IDE
 * bundle yet, the run ends with the device manager's one line naming the missing type and the option that asked for
 * it, which is what a user then sees; once one is installed, the guest must run with the disk plugged.
 */
@Timeout(300)
class DiskCommandLineIT {
    private static final Duration RUN = Duration.ofSeconds(60);
    private static final String DEBUG_EXIT = "isa-debug-exit,iobase=0x501,iosize=2";

    @TempDir
    Path dir;

    private static boolean installed(String type) throws Exception {
        return DeviceTypes.listing().contains("name \"" + type + "\"");
    }

    /** Boots the hello guest (exit code 9) with {@code disk} options; the image must be untouched after. */
    private void bootsWithIdeDevice(String type, Path image, String origin, String... disk) throws Exception {
        byte[] before = Files.readAllBytes(image);
        List<String> args = new ArrayList<>(List.of("-m", "64", "-kernel", Guests.build("hello").toString(),
                "-append", "code=9", "-device", DEBUG_EXIT));
        args.addAll(Arrays.asList(disk));
        ModvmProcess p = ModvmProcess.runToEnd(RUN, args.toArray(String[]::new));
        assertFalse(p.stderr().contains("unexpected argument"), p.stderr());
        assertFalse(p.stderr().contains("invalid option"), p.stderr());
        if (installed(type)) {
            assertTrue(p.stdout().contains("hello from a modvm test guest"), p.stdout() + p.stderr());
            assertEquals(Guests.status(9), p.exitValue(), p.stderr());
        } else {
            assertEquals(1, p.exitValue(), p.stdout() + p.stderr());
            assertTrue(p.stderr().contains("modvm: " + origin + ": '" + type + "' is not a valid device model name"),
                    "the option asked for QEMU's " + type + ", which no bundle here provides:\n" + p.stderr());
        }
        assertTrue(Arrays.equals(before, Files.readAllBytes(image)), "the image is never written");
    }

    @Test
    void aBareImageNameAfterTheOptionsIsTheFirstIdeDisk() throws Exception {
        Path image = DiskImages.patterned(dir.resolve("disk.img"), 2048);
        bootsWithIdeDevice("ide-hd", image, image.toString(), image.toString(), "--nographic");
    }

    @Test
    void hdaAndDriveIfIdeAreIdeDisks() throws Exception {
        Path image = DiskImages.patterned(dir.resolve("disk.img"), 2048);
        bootsWithIdeDevice("ide-hd", image, "-hda " + image, "-hda", image.toString());
        bootsWithIdeDevice("ide-hd", image, "-drive file=" + image + ",if=ide,index=1,format=raw", "--drive",
                "file=" + image + ",if=ide,index=1,format=raw");
    }

    @Test
    void cdromIsAnIdeCdrom() throws Exception {
        Path image = DiskImages.patterned(dir.resolve("cd.iso"), 2048);
        bootsWithIdeDevice("ide-cd", image, "-cdrom " + image, "-cdrom", image.toString(), "-boot", "d");
    }

    @Test
    void bootindexReachesTheVirtioDiskWhoseGuestReadsTheImage() throws Exception {
        DeviceTypes.assertInstalled("virtio-blk-pci");
        Path image = DiskImages.patterned(dir.resolve("disk.raw"), 8192);
        ModvmProcess p = VirtioGuests.runToExit("virtio_blk", "--drive", "file=" + image + ",if=none,id=d0,format=raw",
                "--device", "virtio-blk-pci,drive=d0,bootindex=1", "-boot", "order=c,menu=off,strict=on",
                "--nographic");
        assertTrue(p.stdout().contains("blk: read 0..7 status 0 (OK)"), p.stdout());
        assertTrue(p.stdout().contains("blk: done"), p.stdout());
    }

    @Test
    void badDiskOptionsGiveOneLineAndRunNothing() throws Exception {
        Path image = DiskImages.patterned(dir.resolve("disk.img"), 2048);
        String i = image.toString();
        assertOneLine("modvm: -cdrom " + i + ": IDE bus 1 unit 0 (index=2) already has a drive (-hdc " + i + ")",
                "-hdc", i, "-cdrom", i);
        assertOneLine("modvm: -boot order=z: Invalid boot device for PC: 'z'", "-hda", i, "-boot", "order=z");
        assertOneLine("modvm: -drive file=" + i + ",if=scsi: if=scsi is not supported; use if=ide, if=virtio, or "
                + "if=none", "-drive", "file=" + i + ",if=scsi");
        assertOneLine("modvm: second.img: unexpected argument; " + i + " is already the disk image (-hda)", i,
                "second.img");
    }

    private static void assertOneLine(String start, String... args) throws Exception {
        ModvmProcess p = ModvmProcess.runToEnd(RUN, args);
        assertEquals(1, p.exitValue(), p.stderr());
        List<String> lines = p.stderr().lines().filter(l -> l.startsWith("modvm: ") && !l.startsWith("modvm: note"))
                .toList();
        assertEquals(1, lines.size(), p.stderr());
        assertTrue(lines.get(0).startsWith(start), "expected '" + start + "...' in:\n" + p.stderr());
    }
}

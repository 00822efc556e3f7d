package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk images booted without firmware and without -kernel: modvm reads the image's own boot configuration and
 * starts the kernel it names, judged from the kernel's log (its "Command line:" shows which entry booted). The images
 * are made at test time from the default guest (BootImages); the image is never written. One Linux boot goes to
 * /init; the others stop at the kernel's command line, which is all they need to show.
 */
class DiskBootIT {
    private static final Duration BOOT = Duration.ofMinutes(10);
    private static final Duration FIRST_LINES = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    private static String hostOptions() throws Exception {
        return LinuxGuest.hostEmulatesKernel()
                ? " " + Files.readString(LinuxGuest.file("cmdline-pvm.txt")).strip() : "";
    }

    @Test
    @Timeout(900)
    void aCirrosLikeImageBootsItsDefaultEntryToInitAndIsNotWritten() throws Exception {
        Path image = BootImages.cirrosLike(dir);
        String before = BootImages.sha256(image);
        try (ModvmProcess p = ModvmProcess.start("-m", "256", "-drive", "file=" + image + ",if=virtio,format=raw",
                "-nographic")) {
            p.awaitOutput("Run /init as init process", BOOT);
            assertTrue(p.stderr().contains("modvm: booting " + image + " partition 1 (ext4) /boot/grub/grub.cfg "
                    + "entry 'Second entry' (kernel /boot/vmlinuz-6.1"), p.stderr());
            String cmdline = "Command line: root=UUID=" + BootImages.UUID + " ro console=ttyS0 panic=-1 "
                    + "modvm.entry=second" + hostOptions();
            assertTrue(p.stdout().contains(cmdline + "\n") || p.stdout().contains(cmdline + "\r"), p.stdout());
        }
        assertEquals(before, BootImages.sha256(image), "the boot wrote to the image");
    }

    @Test
    @Timeout(600)
    void aQcow2OverTheRawImageBootsTheEntryBootEntryNames() throws Exception {
        Path raw = BootImages.cirrosLike(dir);
        Path qcow2 = BootImages.qcow2Over(raw, dir.resolve("overlay.qcow2"));
        String rawBefore = BootImages.sha256(raw);
        String qcow2Before = BootImages.sha256(qcow2);
        try (ModvmProcess p = ModvmProcess.start("-m", "256", "-drive",
                "file=" + qcow2 + ",if=virtio,format=qcow2", "-boot", "menu=on,entry=first-id", "-nographic")) {
            p.awaitOutput("modvm.entry=first", FIRST_LINES);
            String err = p.stderr();
            assertTrue(err.contains("  0 'First entry' id first-id\n"), err);
            assertTrue(err.contains("  1 'Second entry' id second-id (default)\n"), err);
            assertTrue(err.contains("entry 'First entry'"), err);
        }
        assertEquals(rawBefore, BootImages.sha256(raw), "the boot wrote to the backing file");
        assertEquals(qcow2Before, BootImages.sha256(qcow2), "the boot wrote to the qcow2 image");
    }

    @Test
    @Timeout(900)
    void gptWithBlsEntriesAndExtlinuxImagesBootTheirDefaults() throws Exception {
        Path gpt = BootImages.gptBls(dir);
        try (ModvmProcess p = ModvmProcess.start("-m", "256", "-drive", "file=" + gpt + ",if=virtio,format=raw",
                "-nographic")) {
            p.awaitOutput("modvm.entry=bls-b", FIRST_LINES);
            assertTrue(p.stderr().contains("modvm: booting " + gpt + " partition 1 (vfat) /loader/entries entry 'B'"),
                    p.stderr());
            assertTrue(p.stdout().contains("Command line: console=ttyS0 panic=-1 modvm.entry=bls-b"), p.stdout());
        }
        Path extlinux = BootImages.extlinux(dir);
        try (ModvmProcess p = ModvmProcess.start("-m", "256", "-drive",
                "file=" + extlinux + ",if=virtio,format=raw", "-nographic")) {
            p.awaitOutput("modvm.entry=extlinux-two", FIRST_LINES);
            assertTrue(p.stderr().contains("modvm: booting " + extlinux + " partition 1 (ext4) "
                    + "/boot/extlinux/extlinux.conf entry 'Second label'"), p.stderr());
        }
    }

    @Test
    @Timeout(120)
    void anEntryTheDiskLacksIsOneLineAndTheImageIsUntouched() throws Exception {
        Path image = BootImages.cirrosLike(dir);
        String before = BootImages.sha256(image);
        ModvmProcess p = ModvmProcess.runToEnd(Duration.ofSeconds(60), "-m", "256", "-drive",
                "file=" + image + ",if=virtio,format=raw", "-boot", "entry=no-such-entry", "-nographic");
        assertEquals(1, p.exitValue(), p.stderr());
        // modvm's own lines only: when the run ends this early, Felix's Config Admin may add one of its own
        // ("*ERROR* Ignoring new configuration pid=io.modvm.backend...") for the drive's configuration it was
        // still delivering while the framework stopped.
        assertEquals(List.of("modvm: -boot entry=no-such-entry: " + image + " has no such boot entry; its entries "
                + "are 0 'First entry', 1 'Second entry'"),
                p.stderr().lines().filter(l -> !l.startsWith("*ERROR* Ignoring new configuration pid=")).toList());
        assertEquals(before, BootImages.sha256(image));
    }
}

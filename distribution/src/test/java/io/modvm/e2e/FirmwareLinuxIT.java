package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole firmware path: SeaBIOS boots a real boot loader (SYSLINUX, installed on a FAT image built here from
 * the default guest's kernel and initramfs) from a virtio-blk disk, and the boot loader starts Linux, which reaches
 * {@code Run /init}. On a PVM host the boot loader cannot run (QEMU + SeaBIOS + SYSLINUX 6.04 stops there with
 * "KVM internal error ... emulation failure" in the loader's 32-bit protected-mode code), so this test runs where
 * hardware KVM exists and is skipped here with that reason.
 */
@Timeout(600)
class FirmwareLinuxIT {
    static final String PVM_SKIP_REASON = "a real boot loader does not run under PVM (software KVM): SYSLINUX stops "
            + "with an emulation failure in its protected-mode code, under QEMU too; this test needs VT-x or AMD-V";
    private static final Duration BOOT = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    private static boolean have(String tool) {
        return List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin").stream()
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    private void exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + ":\n" + out);
    }

    @Test
    void seaBiosBootsSyslinuxWhichBootsTheDefaultGuest() throws Exception {
        boolean pvm = LinuxGuest.hostEmulatesKernel();
        if (pvm) {
            System.out.println("FirmwareLinuxIT skipped: " + PVM_SKIP_REASON);
        }
        assumeFalse(pvm, PVM_SKIP_REASON);
        FirmwareIT.assumeSeaBios();
        assumeTrue(have("mkfs.fat") && have("mcopy") && have("syslinux"),
                "mkfs.fat (dosfstools), mcopy (mtools) and syslinux are needed to build the boot loader's image");
        Path image = dir.resolve("syslinux.img");
        exec("mkfs.fat", "-C", image.toString(), String.valueOf(256 * 1024));
        Files.writeString(dir.resolve("syslinux.cfg"), "DEFAULT linux\nLABEL linux\n  KERNEL bzImage\n"
                + "  INITRD initrd\n  APPEND " + LinuxGuest.cmdline("modvm.firmware=syslinux") + "\n");
        Files.copy(LinuxGuest.file("bzImage"), dir.resolve("bzImage"));
        Files.copy(LinuxGuest.file("initramfs-pause.cpio"), dir.resolve("initrd"));
        for (String f : List.of("syslinux.cfg", "bzImage", "initrd")) {
            exec("mcopy", "-i", image.toString(), dir.resolve(f).toString(), "::" + f);
        }
        exec("syslinux", "--install", image.toString());
        try (ModvmProcess p = ModvmProcess.start("-nographic", "-m", "256", "-bios", FirmwareIT.SYSTEM_BIOS.toString(),
                "-drive", "file=" + image + ",if=virtio,format=raw")) {
            p.awaitOutput("SeaBIOS (version", BOOT);
            p.awaitOutput("modvm.firmware=syslinux", BOOT); // the kernel's command line, from syslinux.cfg
            p.awaitOutput("Run /init", BOOT);
        }
    }
}

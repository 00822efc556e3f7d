package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default guest's shell, as a newcomer meets it: modvm with no -kernel. These need Linux user space, which
 * runs on any host with VT-x or AMD-V; on a PVM host they are skipped with the reason.
 */
class LinuxShellIT {
    @BeforeEach
    void needsUserSpace() {
        boolean pvm = LinuxGuest.hostEmulatesKernel();
        if (pvm) {
            System.out.println("LinuxShellIT skipped: " + LinuxGuest.PVM_SKIP_REASON);
        }
        assumeFalse(pvm, LinuxGuest.PVM_SKIP_REASON);
    }

    @Test
    @Timeout(600)
    void aCommandTypedOnTheConsoleAnswersAndPoweroffEndsModvmWithZero() throws Exception {
        LinuxGuest.file("bzImage");
        try (ModvmProcess p = ModvmProcess.start("-m", "256", "-smp", "2")) {
            p.awaitOutput("# ", Duration.ofMinutes(5));
            p.type("echo modvm-$((6*7))\n");
            p.awaitOutput("modvm-42", Duration.ofMinutes(1));
            p.type("poweroff -f\n");
            assertEquals(0, p.waitFor(Duration.ofMinutes(2)), p.stdout() + p.stderr());
        }
    }

    /** lsblk (or /proc/partitions) shows vda at the image's size; mkfs, a file and sync land in the image. */
    @Test
    @Timeout(900)
    void virtioDiskShowsItsSizeAndDataWrittenInTheGuestIsOnTheHost(@TempDir Path dir) throws Exception {
        Path fs = dir.resolve("fs.img");
        Path raw = dir.resolve("raw.img");
        try (var f = java.nio.channels.FileChannel.open(fs, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            f.write(java.nio.ByteBuffer.wrap(new byte[1]), (64L << 20) - 1);
        }
        try (var f = java.nio.channels.FileChannel.open(raw, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            f.write(java.nio.ByteBuffer.wrap(new byte[1]), (16L << 20) - 1);
        }
        try (ModvmProcess p = ModvmProcess.start("-m", "256", "-drive", "file=" + fs + ",if=virtio,format=raw",
                "-drive", "file=" + raw + ",if=virtio,format=raw")) {
            p.awaitOutput("# ", Duration.ofMinutes(5));
            p.type("(lsblk -b 2>/dev/null || cat /proc/partitions) | grep vd; echo listed-$((2*3))\n");
            p.awaitOutput("listed-6", Duration.ofMinutes(1));
            assertTrue(p.stdout().contains("67108864") || p.stdout().matches("(?s).*vda.*65536.*"),
                    "vda with 64 MiB:\n" + p.stdout());
            p.type("(lspci -n 2>/dev/null || for d in /sys/bus/pci/devices/*; do echo $(cat $d/vendor):$(cat $d/device);"
                    + " done) | grep -i 1af4; echo pci-$((5*5))\n");
            p.awaitOutput("pci-25", Duration.ofMinutes(1));
            assertTrue(p.stdout().matches("(?s).*1af4:(0x)?1042.*"), "lspci shows the virtio disk:\n" + p.stdout());
            p.type("mkfs.ext2 -q /dev/vda && mkdir -p /mnt && mount /dev/vda /mnt && echo modvm-file > /mnt/f && "
                    + "umount /mnt && echo fs-$((3*3))\n");
            p.awaitOutput("fs-9", Duration.ofMinutes(2));
            p.type("printf 'modvm-sector-%s' 100 > /tmp/s && dd if=/tmp/s of=/dev/vdb bs=512 seek=100 conv=fsync "
                    + "2>/dev/null && sync && echo dd-$((4*4))\n");
            p.awaitOutput("dd-16", Duration.ofMinutes(1));
            p.type("poweroff -f\n");
            assertEquals(0, p.waitFor(Duration.ofMinutes(2)), p.stdout() + p.stderr());
        }
        byte[] image = Files.readAllBytes(fs);
        assertEquals((byte) 0x53, image[1080], "ext2 magic");
        assertEquals((byte) 0xEF, image[1081], "ext2 magic");
        byte[] sector = java.util.Arrays.copyOfRange(Files.readAllBytes(raw), 100 * 512, 100 * 512 + 16);
        assertEquals("modvm-sector-100", new String(sector, java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** The balloon session of QEMU's documentation: info balloon, balloon 512, info balloon, free -m. */
    @Test
    @Timeout(900)
    void balloonTo512ShrinksWhatTheGuestSees(@TempDir Path dir) throws Exception {
        Path monitor = dir.resolve("hmp.sock");
        try (ModvmProcess p = ModvmProcess.start("-m", "1024", "-device", "virtio-balloon-pci",
                "-monitor", "unix:" + monitor + ",server,nowait")) {
            p.awaitOutput("# ", Duration.ofMinutes(5));
            try (Hmp hmp = Hmp.connect(monitor, Duration.ofSeconds(30))) {
                assertTrue(hmp.command("info balloon").contains("balloon: actual=1024"));
                hmp.command("balloon 512");
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                String info;
                do {
                    Thread.sleep(500);
                    info = hmp.command("info balloon");
                } while (!info.contains("actual=512") && System.nanoTime() < deadline);
                assertTrue(info.contains("balloon: actual=512"), info);
            }
            p.type("free -m | awk '/^Mem:/ { print \"total-\" $2 }'\n");
            p.awaitOutput("total-", Duration.ofMinutes(1));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("total-(\\d+)").matcher(p.stdout());
            assertTrue(m.find(), p.stdout());
            assertTrue(Integer.parseInt(m.group(1)) < 600, "free -m after balloon 512:\n" + p.stdout());
            p.type("poweroff -f\n");
            assertEquals(0, p.waitFor(Duration.ofMinutes(2)), p.stdout() + p.stderr());
        }
    }
}

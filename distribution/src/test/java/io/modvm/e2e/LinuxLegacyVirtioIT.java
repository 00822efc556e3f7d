package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default guest's kernel with {@code virtio_pci.force_legacy=1}: Linux's legacy virtio-pci driver, the one a
 * guest older than Linux 4.0 has, drives blk, console, rng, balloon and net through the transitional devices' I/O
 * BAR. Judged from the kernel log and from the devices' own line saying which interface the driver started them
 * through: a device the driver took through the modern interface has no such line, and the test fails.
 */
class LinuxLegacyVirtioIT {
    private static final Duration BOOT = Duration.ofMinutes(10);
    private static final List<String> DEVICES = List.of("vblk", "vcon", "vrng", "vballoon", "vnet");

    @Test
    @Timeout(1200)
    void theLegacyDriverDrivesBlkConsoleRngBalloonAndNet(@TempDir Path dir) throws Exception {
        Path disk = LinuxVirtioIT.mbrDisk(dir);
        Path hvc = dir.resolve("hvc0.log");
        try (ModvmProcess p = ModvmProcess.start(Map.of("MODVM_LOG", "info"), List.of(),
                "-m", "256", "-no-reboot",
                "-initrd", LinuxGuest.file("initramfs-pause.cpio").toString(),
                "-append", "console=ttyS0 console=hvc0 virtio_pci.force_legacy=1 ip=dhcp",
                "-drive", "file=" + disk + ",if=none,id=d0,format=raw",
                "-device", "virtio-blk-pci,drive=d0,id=vblk",
                "-device", "virtconsole,chardev=file:" + hvc + ",id=vcon",
                "-device", "virtio-rng-pci,id=vrng",
                "-device", "virtio-balloon-pci,id=vballoon",
                "-netdev", "user,id=u0",
                "-device", "virtio-net-pci,netdev=u0,mac=52:54:00:12:34:56,id=vnet")) {
            p.awaitOutput("Run /init as init process", BOOT);
            String log = p.stdout();
            for (String id : new String[] {"[1af4:1001]", "[1af4:1003]", "[1af4:1005]", "[1af4:1002]",
                "[1af4:1000]"}) {
                assertTrue(log.matches("(?s).*pci 0000:00:\\p{XDigit}{2}\\.0: \\Q" + id + "\\E type 00 class.*"),
                        "the kernel enumerated the transitional " + id + ":\n" + log);
            }
            Matcher capacity = Pattern.compile("\\[vda\\] (\\d+) 512-byte logical blocks").matcher(log);
            assertTrue(capacity.find(), "virtio_blk did not report vda:\n" + log);
            assertEquals(131072, Long.parseLong(capacity.group(1)), "the image's exact capacity, read from the "
                    + "legacy configuration space");
            assertTrue(log.contains(" vda: vda1 vda2"), "the MBR read through a legacy ring:\n" + log);
            assertTrue(log.contains("printk: console [hvc0] enabled"), log);
            assertTrue(log.contains("IP-Config: Got DHCP answer from 10.0.2.2"), "virtio_net's eth0 moved "
                    + "frames both ways:\n" + log);
            assertTrue(log.contains("device=eth0, hwaddr=52:54:00:12:34:56"), log);
            String console = Files.readString(hvc);
            assertTrue(console.contains("Run /init as init process"), "the kernel log flows through hvc0:\n"
                    + console);
            // The balloon and rng drivers start their devices at probe; every device says which interface.
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!DEVICES.stream().allMatch(id -> legacyStart(p.stderr(), id)) && System.nanoTime() < deadline) {
                Thread.sleep(1000);
            }
            for (String id : DEVICES) {
                assertTrue(legacyStart(p.stderr(), id), id + " was not started through the legacy interface:\n"
                        + p.stderr());
            }
            assertTrue(!p.stderr().contains("modern virtio interface"), p.stderr());
        }
    }

    private static boolean legacyStart(String stderr, String id) {
        return stderr.contains(id + ": the driver started the device through the legacy virtio interface");
    }
}

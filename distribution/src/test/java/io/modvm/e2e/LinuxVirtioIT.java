package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linux's own virtio drivers against modvm's devices, judged from what the kernel prints and from the host side
 * (docs/kvm-hosts.md: no user space on a PVM host). One boot carries every device, since a boot costs minutes
 * here.
 */
class LinuxVirtioIT {
    private static final Duration BOOT = Duration.ofMinutes(10);
    private static final long DISK_SECTORS = 131072;

    /** A 64 MiB disk with an MBR: partition 1 at 1 MiB for 16 MiB, partition 2 after it to the end. */
    static Path mbrDisk(Path dir) throws Exception {
        Path disk = dir.resolve("mbr.img");
        try (var ch = java.nio.channels.FileChannel.open(disk, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ByteBuffer mbr = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
            partition(mbr, 0, 2048, 32768);
            partition(mbr, 1, 2048 + 32768, DISK_SECTORS - 2048 - 32768);
            mbr.put(510, (byte) 0x55).put(511, (byte) 0xAA);
            ch.write(mbr, 0);
            ch.write(ByteBuffer.wrap(new byte[] {0}), DISK_SECTORS * 512 - 1);
        }
        return disk;
    }

    private static void partition(ByteBuffer mbr, int index, long start, long sectors) {
        int at = 446 + 16 * index;
        mbr.put(at + 4, (byte) 0x83);
        mbr.putInt(at + 8, (int) start);
        mbr.putInt(at + 12, (int) sectors);
        // CHS fields left as "use LBA" (all ones), as partitioning tools do for large disks.
        mbr.put(at + 1, (byte) 0xFE).put(at + 2, (byte) 0xFF).put(at + 3, (byte) 0xFF);
        mbr.put(at + 5, (byte) 0xFE).put(at + 6, (byte) 0xFF).put(at + 7, (byte) 0xFF);
    }

    @Test
    @Timeout(1200)
    void blkConsoleRngAndBalloonDriversProbeAndWorkAndThePowerButtonIsTaken(@TempDir Path dir) throws Exception {
        Path disk = mbrDisk(dir);
        Path hvc = dir.resolve("hvc0.log");
        Path qmpSocket = dir.resolve("qmp.sock");
        // Info level: the rng device says when the guest's hw_random core first reads from it.
        try (ModvmProcess p = ModvmProcess.start(java.util.Map.of("MODVM_LOG", "info"), java.util.List.of(),
                "-m", "256", "-no-reboot",
                "-initrd", LinuxGuest.file("initramfs-pause.cpio").toString(),
                "-append", "console=ttyS0 console=hvc0",
                "-drive", "file=" + disk + ",if=virtio,format=raw",
                "-device", "virtconsole,chardev=file:" + hvc,
                "-device", "virtio-rng-pci",
                "-device", "virtio-balloon-pci",
                "-qmp", "unix:" + qmpSocket + ",server,nowait")) {
            p.awaitOutput("Run /init as init process", BOOT);
            String log = p.stdout();
            // What lspci would list: each function with vendor 1af4 and its transitional device ID (0x1000 + the
            // legacy ID: blk 1, balloon 2, console 3, rng 5), as QEMU's pc; the kernel drives them as modern devices.
            for (String id : new String[] {"[1af4:1001]", "[1af4:1003]", "[1af4:1005]", "[1af4:1002]"}) {
                assertTrue(log.matches("(?s).*pci 0000:00:0\\p{XDigit}\\.0: \\Q" + id + "\\E type 00 class.*"),
                        "the kernel enumerated " + id + ":\n" + log);
            }
            Matcher capacity = Pattern.compile("\\[vda\\] (\\d+) 512-byte logical blocks").matcher(log);
            assertTrue(capacity.find(), "virtio_blk did not report vda:\n" + log);
            assertEquals(DISK_SECTORS, Long.parseLong(capacity.group(1)), "the image's exact capacity");
            assertTrue(log.contains(" vda: vda1 vda2"), "the MBR's two partitions:\n" + log);
            assertTrue(log.contains("printk: console [hvc0] enabled"), log);
            String console = Files.readString(hvc);
            assertTrue(console.contains("Run /init as init process"),
                    "the kernel log flows through hvc0 too:\n" + console);

            try (QmpTestClient qmp = QmpTestClient.connect(qmpSocket, p, Duration.ofSeconds(30))) {
                qmp.negotiate();
                assertEquals(Map.of("actual", 268435456L), qmp.returned("query-balloon"));
                qmp.returned("balloon", Map.of("value", 234881024L));
                // 32 MiB only: the guest kernel allocates each page it gives back, and on a PVM host that kernel
                // code is emulated, at tens of MiB a minute.
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                Object info;
                do {
                    Thread.sleep(1000);
                    info = qmp.returned("query-balloon");
                } while (!info.equals(Map.of("actual", 234881024L)) && System.nanoTime() < deadline);
                assertEquals(Map.of("actual", 234881024L), info, "the guest's balloon driver inflates to the target "
                        + "and query-balloon follows");
                Object human = qmp.returned("human-monitor-command", Map.of("command-line", "info balloon"));
                assertTrue(String.valueOf(human).contains("balloon: actual=224"), String.valueOf(human));

                // system_powerdown: the kernel's power button driver takes the press (clears PWRBTN_STS). Its
                // signal to init is all that follows, and this init ignores it; LinuxShellIT sees the power-off.
                assertEquals(Map.of(), qmp.returned("system_powerdown"));
                p.awaitError("the guest took the power button press", Duration.ofMinutes(2));
            }
            // The hw_random core reads from its current source on its own thread; give the emulated kernel time.
            long rngDeadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!p.stderr().contains("driver is reading entropy") && System.nanoTime() < rngDeadline) {
                Thread.sleep(1000);
            }
            assertTrue(p.stderr().contains("virtio-rng") && p.stderr().contains("driver is reading entropy"),
                    "hw_random took virtio-rng as its current source and reads from it:\n" + p.stderr()
                            + "\nkernel lines about it:\n" + p.stdout().lines()
                            .filter(l -> l.contains("rng") || l.contains("random")).toList());
        }
    }
}

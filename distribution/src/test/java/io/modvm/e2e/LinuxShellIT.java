package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /** QEMU's system_powerdown: the ACPI power button, which the default guest answers by powering off. */
    @Test
    @Timeout(600)
    void systemPowerdownPowersTheDefaultGuestOffWithZero(@TempDir Path dir) throws Exception {
        Path qmp = dir.resolve("qmp.sock");
        try (ModvmProcess p = ModvmProcess.start("-m", "256", "-qmp", "unix:" + qmp + ",server,nowait")) {
            p.awaitOutput("# ", SHELL);
            try (QmpTestClient c = QmpTestClient.connect(qmp, p, Duration.ofSeconds(30))) {
                c.negotiate();
                assertEquals(Map.of(), c.returned("system_powerdown"));
                assertEquals(0, p.waitFor(Duration.ofMinutes(2)), p.stdout() + p.stderr());
                c.readToEnd();
                assertTrue(c.events().stream().anyMatch(e -> "POWERDOWN".equals(e.get("event"))), "" + c.events());
                assertTrue(c.events().stream().anyMatch(e -> "SHUTDOWN".equals(e.get("event"))
                        && Map.of("guest", true, "reason", "guest-shutdown").equals(e.get("data"))), "" + c.events());
            }
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
            assertTrue(p.stdout().matches("(?s).*1af4:(0x)?1001.*"), "lspci shows the virtio disk:\n" + p.stdout());
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

    private static final Duration SHELL = Duration.ofMinutes(5);
    private int commands;

    /**
     * Types {@code command}, then an echo of a marker that the typed line itself does not contain, and returns what
     * the console printed up to the marker.
     */
    private String shell(ModvmProcess p, String command, Duration timeout) throws Exception {
        int n = ++commands;
        int from = p.stdout().length();
        p.type(command + "; echo shell-done-$((" + n + "*11))\n");
        p.awaitOutput("shell-done-" + n * 11, timeout);
        return p.stdout().substring(from);
    }

    private static Path sparse(Path file, long bytes) throws Exception {
        try (FileChannel f = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            f.write(ByteBuffer.wrap(new byte[1]), bytes - 1);
        }
        return file;
    }

    private static void poweroff(ModvmProcess p) throws Exception {
        p.type("poweroff -f\n");
        assertEquals(0, p.waitFor(Duration.ofMinutes(2)), p.stdout() + p.stderr());
    }

    /** QEMU's session: a -drive if=none at start, device_add virtio-blk-pci,drive=d1 later, device_del at the end. */
    @Test
    @Timeout(900)
    void aDiskAddedWithDeviceAddAppearsAsVdbAndDeviceDelTakesItAway(@TempDir Path dir) throws Exception {
        Path vda = sparse(dir.resolve("vda.img"), 16L << 20);
        Path vdb = sparse(dir.resolve("vdb.img"), 24L << 20);
        Path qmp = dir.resolve("qmp.sock");
        Pattern vdbListed = Pattern.compile("\\s24576\\s+vdb\\s"); // /proc/partitions counts 1 KiB blocks
        try (ModvmProcess p = ModvmProcess.start("-m", "256", "-drive", "file=" + vda + ",if=virtio,format=raw",
                "-drive", "if=none,id=d1,file=" + vdb + ",format=raw", "-qmp", "unix:" + qmp + ",server,nowait")) {
            p.awaitOutput("# ", SHELL);
            try (QmpTestClient c = QmpTestClient.connect(qmp, p, Duration.ofSeconds(30))) {
                c.negotiate();
                assertEquals(Map.of(), c.returned("device_add",
                        Map.of("driver", "virtio-blk-pci", "drive", "d1", "id", "hd1")));
                String added = shell(p, "for i in $(seq 60); do [ -b /dev/vdb ] && break; sleep 1; done; "
                        + "ls -l /dev/vdb; cat /proc/partitions", Duration.ofMinutes(2));
                assertTrue(vdbListed.matcher(added).find(), "vdb, 24 MiB, with no command but a look:\n" + added);

                assertEquals(Map.of(), c.returned("device_del", Map.of("id", "hd1")));
                LinuxHotplugIT.awaitDeleted(c, "hd1", Duration.ofMinutes(1));
                String gone = shell(p, "for i in $(seq 30); do [ -b /dev/vdb ] || break; sleep 1; done; "
                        + "cat /proc/partitions; [ -b /dev/vdb ] || echo no-vdb-$((3*3))", Duration.ofMinutes(1));
                assertTrue(gone.contains("no-vdb-9") && !vdbListed.matcher(gone).find(),
                        "vdb gone from the guest:\n" + gone);
                assertFalse(LinuxHotplugIT.pciIds(c).contains("hd1"), "query-pci: " + LinuxHotplugIT.pciIds(c));
            }
            poweroff(p);
        }
    }

    /**
     * The guest's own {@code remove} of the disk's PCI function and a bus {@code rescan}: as on QEMU, the function
     * leaves only the guest's view (no eject, so no DEVICE_DELETED) and the rescan finds it again, and it works.
     */
    @Test
    @Timeout(900)
    void theGuestsOwnSysfsRemoveAndRescanBringTheDiskBack(@TempDir Path dir) throws Exception {
        Path disk = sparse(dir.resolve("disk.img"), 16L << 20);
        Path qmp = dir.resolve("qmp.sock");
        try (ModvmProcess p = ModvmProcess.start("-m", "256", "-drive", "file=" + disk + ",if=virtio,format=raw",
                "-qmp", "unix:" + qmp + ",server,nowait")) {
            p.awaitOutput("# ", SHELL);
            try (QmpTestClient c = QmpTestClient.connect(qmp, p, Duration.ofSeconds(30))) {
                c.negotiate();
                List<String> devices = LinuxHotplugIT.pciIds(c);
                String removed = shell(p, "d=$(grep -l 0x1001 /sys/bus/pci/devices/*/device); d=${d%/device}; "
                        + "echo removing $d; echo 1 > $d/remove; sleep 1; [ -e $d ] || echo fn-gone-$((2*3)); "
                        + "[ -b /dev/vda ] || echo vda-gone-$((2*4))", Duration.ofMinutes(1));
                assertTrue(removed.contains("fn-gone-6") && removed.contains("vda-gone-8"), removed);
                String back = shell(p, "echo 1 > /sys/bus/pci/rescan; for i in $(seq 30); do [ -b /dev/vda ] && "
                        + "break; sleep 1; done; [ -b /dev/vda ] && echo vda-back-$((2*5))", Duration.ofMinutes(1));
                assertTrue(back.contains("vda-back-10"), back);
                String wrote = shell(p, "printf modvm-rescan | dd of=/dev/vda bs=512 seek=9 conv=notrunc,fsync "
                        + "2>/dev/null && echo wrote-$((3*4))", Duration.ofMinutes(1));
                assertTrue(wrote.contains("wrote-12"), wrote);
                Matcher probes = Pattern.compile("\\[vda\\] 32768 512-byte logical blocks").matcher(p.stdout());
                int count = 0;
                while (probes.find()) {
                    count++;
                }
                assertEquals(2, count, "virtio_blk probed the disk at boot and again after the rescan:\n"
                        + p.stdout());
                assertEquals(List.of(), LinuxHotplugIT.deleted(c), "a guest's remove is not an eject");
                assertEquals(devices, LinuxHotplugIT.pciIds(c), "query-pci unchanged");
            }
            poweroff(p);
        }
        byte[] sector = java.util.Arrays.copyOfRange(Files.readAllBytes(disk), 9 * 512, 9 * 512 + 12);
        assertEquals("modvm-rescan", new String(sector, StandardCharsets.US_ASCII));
    }

    /**
     * Issue 5's hot-swap check with a real guest: a dd loop writes a numbered record to each sector of a hot-added
     * disk, each with fsync, while the virtio-blk bundle is updated in deploy/ (of a copy of the distribution);
     * no write fails, the device is taken over and never removed, and every record is in the image afterwards.
     */
    @Test
    @Timeout(900)
    void aDdLoopToTheDiskLosesNothingWhileTheBlkBundleIsUpdated(@TempDir Path dir) throws Exception {
        Path home = DistributionCopy.in(dir);
        Path jar = DistributionCopy.moveToDeploy(home, "virtio.blk-");
        long sectors = 65536;
        Path data = sparse(dir.resolve("data.img"), sectors * 512);
        Path qmp = dir.resolve("qmp.sock");
        long records;
        try (ModvmProcess p = ModvmProcess.start(home, Map.of("MODVM_LOG", "info"), List.of(), "-m", "256",
                "-drive", "if=none,id=d1,file=" + data + ",format=raw", "-qmp", "unix:" + qmp + ",server,nowait");
                QmpTestClient c = QmpTestClient.connect(qmp, p, Duration.ofSeconds(60))) {
            c.negotiate();
            p.awaitOutput("# ", SHELL);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Map<String, Object> answer; // the blk bundle comes from deploy/, a moment after start
            while ((answer = c.execute("device_add", Map.of("driver", "virtio-blk-pci", "drive", "d1", "id", "hd1")))
                    .containsKey("error") && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            assertEquals(Map.of(), answer.get("return"), "device_add: " + answer);
            String found = shell(p, "for i in $(seq 60); do for b in /sys/block/vd*; do [ \"$(cat $b/size 2>/dev/null)\""
                    + " = " + sectors + " ] && echo disk=${b##*/}; done | grep -q disk && break; sleep 1; done; "
                    + "for b in /sys/block/vd*; do [ \"$(cat $b/size)\" = " + sectors + " ] && echo disk=${b##*/}; "
                    + "done", Duration.ofMinutes(2));
            Matcher disk = Pattern.compile("disk=(vd[a-z]+)").matcher(found);
            assertTrue(disk.find(), "the hot-added disk in /sys/block:\n" + found);
            p.type("(i=0; while [ ! -e /tmp/stop ] && [ $i -lt " + sectors + " ]; do printf 'modvm-%08d\\n' $i | "
                    + "dd of=/dev/" + disk.group(1) + " bs=512 seek=$i conv=notrunc,fsync 2>/dev/null || "
                    + "echo dd-failed-at-$i; i=$((i+1)); [ $((i % 200)) = 0 ] && echo written-$i; done; sync; "
                    + "echo loop-ended-$i) &\n");
            long before = awaitWritten(p, 400, Duration.ofMinutes(2));

            DistributionCopy.update(jar);
            long waitSwap = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!p.stderr().contains("device hd1 taken over by a new virtio-blk-pci instance")) {
                if (System.nanoTime() > waitSwap) {
                    fail("the disk was not taken over by the updated bundle:\n" + p.stderr());
                }
                Thread.sleep(100);
            }
            long atSwap = Math.max(before, written(p));
            awaitWritten(p, atSwap + 400, Duration.ofMinutes(2));
            p.type("touch /tmp/stop\n");
            Matcher end = Pattern.compile("loop-ended-(\\d+)").matcher("");
            long endDeadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!end.reset(p.stdout()).find()) {
                if (System.nanoTime() > endDeadline) {
                    fail("the dd loop did not end:\n" + p.stdout());
                }
                Thread.sleep(100);
            }
            records = Long.parseLong(end.group(1));
            String console = p.stdout();
            assertFalse(Pattern.compile("dd-failed-at-\\d").matcher(console).find(), console);
            assertFalse(console.contains("I/O error"), console);
            assertEquals(List.of(), LinuxHotplugIT.deleted(c), "no removal the guest could see");
            assertTrue(LinuxHotplugIT.pciIds(c).contains("hd1"));
            System.out.println("LinuxShellIT: " + records + " records written by dd, " + (atSwap - before)
                    + "+ of them while the bundle was swapped");
            poweroff(p);
        }
        byte[] image = Files.readAllBytes(data);
        for (long i = 0; i < records; i++) {
            String expected = String.format("modvm-%08d\n", i);
            String actual = new String(image, (int) (i * 512), expected.length(), StandardCharsets.US_ASCII);
            assertEquals(expected, actual, "sector " + i + " of " + records);
        }
    }

    private static final Pattern WRITTEN = Pattern.compile("written-(\\d+)");

    /** The highest count the dd loop reported so far. */
    private static long written(ModvmProcess p) {
        Matcher m = WRITTEN.matcher(p.stdout());
        long most = 0;
        while (m.find()) {
            most = Math.max(most, Long.parseLong(m.group(1)));
        }
        return most;
    }

    private static long awaitWritten(ModvmProcess p, long count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (written(p) < count) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                fail("the dd loop did not reach " + count + " records within " + timeout + ":\n" + p.stdout());
            }
            Thread.sleep(100);
        }
        return written(p);
    }
}

package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Linux kernel moved live between two modvm processes and restored from a snapshot, judged from what it
 * does by itself afterwards (docs/kvm-hosts.md: no user space on a PVM host): its network stack answers the host's
 * pings, and its balloon driver follows a new target set on the monitor of the process that now runs it. The guest
 * has what a Linux guest on a QEMU host has: the serial console, a virtio disk on a qcow2 image (shared storage:
 * both processes open the same file), virtio-net on a tap and virtio-balloon.
 *
 * <p>One boot serves the class, since a boot costs minutes here: the guest boots, moves live to a second process,
 * and that process then takes a snapshot, quits, and a third process started with its command line and {@code
 * -loadvm} goes on. Each process has its own tap on one bridge in the test's network namespace (two processes
 * cannot hold one tap at once).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(1200)
class LinuxMigrationIT {
    private static final Duration BOOT = Duration.ofMinutes(10);
    private static final Duration SEEN = Duration.ofSeconds(60);
    private static final Duration BALLOON = Duration.ofMinutes(5);
    private static final long MIB = 1 << 20;
    private static final long RAM = 256 * MIB;
    private static final String MAC = "52:54:00:12:34:56";

    @TempDir
    static Path dir;

    private NetNamespace ns;
    private Path disk;
    /** The process that runs the guest now, its monitor, its tap and its command line. */
    private ModvmProcess guest;
    private QmpTestClient monitor;
    private String tap;
    private List<String> command;
    private long bootMillis;

    /** The command line of a process serving the guest on {@code tapName}, its monitor at {@code qmp}. */
    private List<String> commandLine(String tapName, Path qmp) throws Exception {
        return new ArrayList<>(List.of("-m", Long.toString(RAM / MIB), "-no-reboot",
                "-initrd", LinuxGuest.file("initramfs-pause.cpio").toString(),
                "-append", "console=ttyS0 " + LinuxNetIT.IP_CONFIG,
                "-drive", "file=" + disk + ",if=virtio,format=qcow2",
                "-netdev", "tap,id=n0,ifname=" + tapName + ",script=no,downscript=no",
                "-device", "virtio-net-pci,netdev=n0,mac=" + MAC,
                "-device", "virtio-balloon-pci",
                "-qmp", "unix:" + qmp + ",server,nowait"));
    }

    private ModvmProcess start(List<String> args, String... more) throws Exception {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return ModvmProcess.start(Map.of(), ns.prefix(), all.toArray(String[]::new));
    }

    @BeforeAll
    void bootTheGuest() throws Exception {
        DiskImages.assumeQemuImg();
        ns = NetNamespace.create();
        ns.addBridgedTaps("br0", "10.0.2.1/24", "tap0", "tap1");
        disk = dir.resolve("disk.qcow2");
        DiskImages.Result created = DiskImages.qemuImg("create", "-f", "qcow2", disk.toString(), "64M");
        assertEquals(0, created.exit(), created.output());
        long start = System.nanoTime();
        Path qmp = dir.resolve("boot.qmp");
        tap = "tap0";
        command = commandLine(tap, qmp);
        guest = start(command);
        guest.awaitOutput("Run /init as init process", BOOT);
        bootMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(guest.stdout().contains("device=eth0, hwaddr=" + MAC + ", ipaddr=" + LinuxNetIT.GUEST_IP),
                guest.stdout());
        assertTrue(guest.stdout().contains("[vda] 131072 512-byte logical blocks"), guest.stdout());
        monitor = QmpTestClient.connect(qmp, guest, SEEN);
        monitor.negotiate();
        assertAnswers("before any move");
    }

    @AfterAll
    void stop() throws Exception {
        if (monitor != null) {
            monitor.close();
        }
        if (guest != null) {
            guest.close();
        }
        if (ns != null) {
            ns.close();
        }
        if (bootMillis > 0) {
            System.out.printf("LinuxMigrationIT: Linux reached /init in %d s%n", bootMillis / 1000);
        }
    }

    /**
     * Live over a unix socket while the host pings the guest: the source ends in postmigrate and sends nothing more
     * (its tap gets no frame from it and its console no line), the destination answers pings, and its balloon
     * driver inflates to a target set on the destination's monitor.
     */
    @Test
    @Order(1)
    void theRunningKernelMovesLiveToAnotherProcessAndServesThere() throws Exception {
        Path qmp = dir.resolve("dst.qmp");
        List<String> dstCommand = commandLine("tap1", qmp);
        String uri = "unix:" + dir.resolve("migrate.sock");
        ModvmProcess dst = start(dstCommand, "-incoming", uri);
        QmpTestClient d = QmpTestClient.connect(qmp, dst, SEEN);
        try (ModvmProcess src = guest; QmpTestClient s = monitor) {
            moveLive(src, s, dst, d, dstCommand, uri);
        } finally {
            if (guest != dst) {
                d.close();
                dst.close();
            }
        }
    }

    private void moveLive(ModvmProcess src, QmpTestClient s, ModvmProcess dst, QmpTestClient d,
            List<String> dstCommand, String uri) throws Exception {
        d.negotiate();
        assertEquals("inmigrate", PatternGuest.status(d));
        PatternGuest.awaitListening(d);
        NetNamespace.Peer pinging = ns.start("busybox", "ping", "-c", "20", "-i", "0.5", "-W", "5",
                LinuxNetIT.GUEST_IP);
        NetNamespace.Peer announced = ns.capture("tap1", 1000, "ether", "src", MAC, "and", "(ether", "proto",
                "0x8035", "or", "arp)");
        s.returned("migrate", Map.of("uri", uri));
        Map<String, Object> info = PatternGuest.awaitMigration(s);
        assertEquals("completed", info.get("status"), info + "\nsource stderr:\n" + src.stderr()
                + "\ndestination stderr:\n" + dst.stderr());
        assertEquals("postmigrate", PatternGuest.status(s));
        long sentBySource = ns.linkCounter("tap0", "rx_packets");
        int sourceConsole = src.stdout().length();
        guest = dst;
        monitor = d;
        tap = "tap1";
        command = dstCommand;

        // The destination tells the switches where the guest is now: its own RARP, then the guest's gratuitous ARP
        // (the driver negotiated GUEST_ANNOUNCE), so that traffic finds the new port before the guest sends anything.
        assertTrue(announced.awaitOutput("Reverse Request who-is " + MAC + " tell " + MAC, 30),
                "no RARP from the destination:\n" + announced.output());
        assertTrue(announced.awaitOutput("Request who-has " + LinuxNetIT.GUEST_IP + " tell " + LinuxNetIT.GUEST_IP,
                30), "the guest did not announce itself:\n" + announced.output() + "\n" + dst.stderr());
        announced.kill();
        String during = pinging.awaitEnd(60);
        assertEquals("running", PatternGuest.status(d), dst.stderr());
        assertAnswers("after the live move (pings during it: " + during + ")");
        assertEquals(sentBySource, ns.linkCounter("tap0", "rx_packets"),
                "the source sent frames after the migration completed");
        assertEquals(sourceConsole, src.stdout().length(), "the source's kernel printed after it completed:\n"
                + src.stdout().substring(sourceConsole));
        assertBalloonFollows(RAM - 32 * MIB);
        System.out.printf("LinuxMigrationIT: live over unix: total %s ms, downtime %s ms, %s bytes%n",
                info.get("total-time"), info.get("downtime"), ((Map<?, ?>) info.get("ram")).get("transferred"));
        s.returned("quit");
        src.waitFor(SEEN);
    }

    /**
     * savevm on the running kernel, quit, the same command line with -loadvm: the kernel goes on from the
     * snapshot: it answers pings and its balloon driver follows a new target.
     */
    @Test
    @Order(2)
    void theRunningKernelGoesOnFromASnapshotInANewProcess() throws Exception {
        long actual = actual(monitor);
        long saving = System.nanoTime();
        assertEquals("", monitor.returned("human-monitor-command", Map.of("command-line", "savevm linux")));
        long savedMillis = (System.nanoTime() - saving) / 1_000_000;
        assertEquals("running", PatternGuest.status(monitor));
        monitor.returned("quit");
        assertEquals(0, guest.waitFor(SEEN), guest.stderr());
        monitor.close();
        guest.close();
        monitor = null;
        guest = null;
        DiskImages.Result listed = DiskImages.qemuImg("snapshot", "-l", disk.toString());
        assertTrue(listed.output().contains("linux"), listed.output());

        Path qmp = dir.resolve("loaded.qmp");
        // The same command line; only the monitor's socket differs, since the old one may not be gone yet.
        List<String> again = new ArrayList<>(command);
        again.set(again.size() - 1, "unix:" + qmp + ",server,nowait");
        long loading = System.nanoTime();
        guest = start(again, "-loadvm", "linux");
        monitor = QmpTestClient.connect(qmp, guest, SEEN);
        monitor.negotiate();
        awaitRunning(monitor);
        long loadedMillis = (System.nanoTime() - loading) / 1_000_000;
        assertFalse(guest.stdout().contains("Linux version"), "the kernel booted afresh:\n" + guest.stdout());
        assertEquals(actual, actual(monitor), "the balloon's size came back with the snapshot");
        assertAnswers("after -loadvm");
        assertBalloonFollows(RAM - 64 * MIB);
        System.out.printf("LinuxMigrationIT: savevm %d ms, start with -loadvm to running %d ms%n", savedMillis,
                loadedMillis);
    }

    private void awaitRunning(QmpTestClient c) throws Exception {
        long deadline = System.nanoTime() + SEEN.toNanos();
        String status;
        while (!"running".equals(status = PatternGuest.status(c)) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals("running", status, guest.stderr());
    }

    private void assertAnswers(String when) throws Exception {
        String ping = LinuxNetIT.pingUntilAnswered(ns, LinuxNetIT.GUEST_IP, Duration.ofMinutes(2));
        assertTrue(ping.contains("3 packets received"), "no answer to ping " + when + " (from " + tap + "): "
                + ping + "\nguest console:\n" + guest.stdout() + "\nstderr:\n" + guest.stderr());
    }

    /** Sets a balloon target and waits until the guest's driver reaches it (query-balloon's actual). */
    private void assertBalloonFollows(long target) throws Exception {
        monitor.returned("balloon", Map.of("value", target));
        long deadline = System.nanoTime() + BALLOON.toNanos();
        long actual;
        do {
            Thread.sleep(1000);
            actual = actual(monitor);
        } while (actual != target && System.nanoTime() < deadline);
        assertEquals(target, actual, "the guest's balloon driver did not follow the target set on " + tap
                + "'s process:\n" + guest.stdout() + "\nstderr:\n" + guest.stderr());
    }

    private static long actual(QmpTestClient c) throws Exception {
        return ((Number) ((Map<?, ?>) c.returned("query-balloon")).get("actual")).longValue();
    }
}

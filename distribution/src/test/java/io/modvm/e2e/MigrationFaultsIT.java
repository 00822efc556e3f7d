package io.modvm.e2e;

import static io.modvm.e2e.PatternGuest.SEEN;
import static io.modvm.e2e.PatternGuest.awaitListening;
import static io.modvm.e2e.PatternGuest.awaitMigration;
import static io.modvm.e2e.PatternGuest.awaitPassAfter;
import static io.modvm.e2e.PatternGuest.awaitPasses;
import static io.modvm.e2e.PatternGuest.awaitStatus;
import static io.modvm.e2e.PatternGuest.freePort;
import static io.modvm.e2e.PatternGuest.guest;
import static io.modvm.e2e.PatternGuest.hmp;
import static io.modvm.e2e.PatternGuest.lastPass;
import static io.modvm.e2e.PatternGuest.start;
import static io.modvm.e2e.PatternGuest.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migrations that go wrong, with the pattern guest (guests/migrate_pattern.c), which catches a page lost or stale
 * itself: a cancel at each phase, a guest that outruns its link with and without auto-converge, a destination
 * killed in setup, during the iterations and in stop-and-copy, a source killed mid-stream, a busy port, a
 * destination that is not there, and destinations whose machine differs. Each time the side that must live goes
 * on untouched, and a second migration succeeds where it can.
 */
@Timeout(600)
class MigrationFaultsIT {
    private static final String DIRTYING = "mib=32 every=5";

    @TempDir
    Path dir;

    private int next;

    /** A destination for the dirtying guest, listening on a fresh port; the caller closes it. */
    private Destination destination() throws Exception {
        Path qmp = dir.resolve("dst" + next++ + ".qmp");
        int port = freePort();
        ModvmProcess p = start(guest(qmp, DIRTYING, "128"), "-incoming", "tcp:127.0.0.1:" + port);
        QmpTestClient d = QmpTestClient.connect(qmp, p, SEEN);
        d.negotiate();
        awaitListening(d);
        return new Destination(p, d, port);
    }

    private record Destination(ModvmProcess process, QmpTestClient qmp, int port) implements AutoCloseable {
        String uri() {
            return "tcp:127.0.0.1:" + port;
        }

        @Override
        public void close() throws Exception {
            qmp.close();
            process.close();
        }
    }

    /** Asserts the source runs its guest on: running, and more passes without CORRUPT. */
    private static void runsOn(ModvmProcess src, QmpTestClient c) throws Exception {
        assertEquals("running", status(c));
        awaitPassAfter(src, lastPass(src.stdout())[0] + 2);
    }

    /** A second migration, uncapped, completes and the destination goes on from the source's last pass. */
    private void secondMigrationSucceeds(ModvmProcess src, QmpTestClient c) throws Exception {
        c.returned("migrate-set-parameters", Map.of("max-bandwidth", 1L << 30, "downtime-limit", 300L));
        try (Destination d = destination()) {
            c.returned("migrate", Map.of("uri", d.uri()));
            Map<String, Object> info = awaitMigration(c);
            assertEquals("completed", info.get("status"), info + "\n" + src.stderr() + "\n"
                    + d.process().stderr());
            awaitPassAfter(d.process(), lastPass(src.stdout())[0]);
        }
    }

    private ModvmProcess source(String name) throws Exception {
        return start(guest(dir.resolve(name), DIRTYING, "128"));
    }

    /** migrate_cancel during the first pass over RAM, then during a later pass: cancelled, the guest runs on. */
    @Test
    void aCancelAtEachPhaseLeavesTheSourceRunning() throws Exception {
        try (ModvmProcess src = source("src.qmp");
                QmpTestClient c = QmpTestClient.connect(dir.resolve("src.qmp"), src, SEEN)) {
            c.negotiate();
            c.returned("migrate-set-capabilities", Map.of("capabilities",
                    List.of(Map.of("capability", "events", "state", true))));
            awaitPassAfter(src, 2);
            // First pass: 128 MiB at 8 MiB/s cannot be over before the cancel.
            c.returned("migrate-set-parameters", Map.of("max-bandwidth", 8L << 20));
            try (Destination d = destination()) {
                c.returned("migrate", Map.of("uri", d.uri()));
                awaitStatus(c, "active");
                assertEquals("", hmp(c, "migrate_cancel").trim());
                Map<String, Object> info = awaitMigration(c);
                assertEquals("cancelled", info.get("status"), info.toString());
                assertTrue(((Number) ((Map<?, ?>) info.get("ram")).get("dirty-sync-count")).longValue() == 0,
                        "the cancel came after the first pass: " + info);
                runsOn(src, c);
                assertTrue(d.process().waitFor(SEEN) != 0, "the destination ran a half-received guest");
                assertFalse(d.process().stdout().contains("pass "), d.process().stdout());
            }
            // A later pass: the guest rewrites 32 MiB faster than 64 MiB/s can carry within 10 ms of downtime.
            c.returned("migrate-set-parameters", Map.of("max-bandwidth", 64L << 20, "downtime-limit", 10L));
            try (Destination d = destination()) {
                c.returned("migrate", Map.of("uri", d.uri()));
                awaitPasses(c, 2);
                c.returned("migrate_cancel");
                Map<String, Object> info = awaitMigration(c);
                assertEquals("cancelled", info.get("status"), info.toString());
                runsOn(src, c);
                assertTrue(d.process().waitFor(SEEN) != 0, "the destination ran a half-received guest");
            }
            assertTrue(c.events().stream().anyMatch(e -> "MIGRATION".equals(e.get("event"))
                    && "cancelled".equals(((Map<?, ?>) e.get("data")).get("status"))), c.events().toString());
            secondMigrationSucceeds(src, c);
        }
    }

    /**
     * A guest dirtying faster than a low max-bandwidth does not converge (it stays active, pass after pass, until
     * cancelled); with auto-converge its vCPUs are throttled until it does, and query-migrate says how much.
     */
    @Test
    @SuppressWarnings("unchecked")
    void autoConvergeMakesADirtyingGuestConverge() throws Exception {
        try (ModvmProcess src = source("src.qmp");
                QmpTestClient c = QmpTestClient.connect(dir.resolve("src.qmp"), src, SEEN)) {
            c.negotiate();
            awaitPassAfter(src, 2);
            c.returned("migrate-set-parameters", Map.of("max-bandwidth", 32L << 20, "downtime-limit", 50L,
                    "cpu-throttle-initial", 50L, "cpu-throttle-increment", 20L));
            try (Destination d = destination()) {
                c.returned("migrate", Map.of("uri", d.uri()));
                Map<String, Object> info = awaitPasses(c, 5);
                assertFalse(info.containsKey("cpu-throttle-percentage"), info.toString());
                c.returned("migrate_cancel");
                assertEquals("cancelled", awaitMigration(c).get("status"));
                runsOn(src, c);
            }
            c.returned("migrate-set-capabilities", Map.of("capabilities",
                    List.of(Map.of("capability", "auto-converge", "state", true))));
            try (Destination d = destination()) {
                c.returned("migrate", Map.of("uri", d.uri()));
                Map<String, Object> info = awaitMigration(c);
                assertEquals("completed", info.get("status"), info + "\n" + src.stderr());
                assertTrue(((Number) info.get("cpu-throttle-percentage")).longValue() > 0, info.toString());
                awaitPassAfter(d.process(), lastPass(src.stdout())[0]);
                assertEquals("running", status(d.qmp()));
            }
        }
    }

    /**
     * The destination killed in setup (before its OK reached the source), during the iterations, and in
     * stop-and-copy (the source has sent everything and waits for the destination's DONE): each time the source
     * runs on, its guest intact, and a second migration succeeds. A relay that holds the destination's answers
     * back keeps the source in the phase wanted for as long as the kill takes.
     */
    @Test
    void aDestinationKilledInAnyPhaseLeavesTheSourceRunning() throws Exception {
        try (ModvmProcess src = source("src.qmp");
                QmpTestClient c = QmpTestClient.connect(dir.resolve("src.qmp"), src, SEEN)) {
            c.negotiate();
            awaitPassAfter(src, 2);
            try (Destination d = destination(); AnswerHoldingRelay relay = new AnswerHoldingRelay(d.port(), 0)) {
                c.returned("migrate", Map.of("uri", relay.uri()));
                Thread.sleep(500);
                assertEquals("setup", ((Map<?, ?>) c.returned("query-migrate")).get("status"));
                d.process().close();
                Map<String, Object> info = awaitMigration(c);
                assertEquals("failed", info.get("status"), info.toString());
                assertTrue(String.valueOf(info.get("error-desc")).contains("refused")
                        || String.valueOf(info.get("error-desc")).contains("connection"), info.toString());
                runsOn(src, c);
            }
            c.returned("migrate-set-parameters", Map.of("max-bandwidth", 8L << 20));
            try (Destination d = destination()) {
                c.returned("migrate", Map.of("uri", d.uri()));
                awaitStatus(c, "active");
                d.process().close();
                assertEquals("failed", awaitMigration(c).get("status"));
                runsOn(src, c);
            }
            // Stop-and-copy: a downtime limit so high that the first pass is the last.
            c.returned("migrate-set-parameters", Map.of("max-bandwidth", 1L << 30, "downtime-limit", 60_000L));
            try (Destination d = destination(); AnswerHoldingRelay relay = new AnswerHoldingRelay(d.port(), 1)) {
                c.returned("migrate", Map.of("uri", relay.uri()));
                awaitStatus(c, "device");
                assertEquals("finish-migrate", status(c));
                d.process().close();
                Map<String, Object> info = awaitMigration(c);
                assertEquals("failed", info.get("status"), info.toString());
                if (String.valueOf(info.get("error-desc")).contains("this side stays paused")) {
                    // The whole stream was out before the kill (a busy host loads slowly): the source cannot tell
                    // whether the destination ran the guest, so by design it stays paused until cont.
                    assertEquals("postmigrate", status(c), info.toString());
                    c.returned("cont");
                }
                runsOn(src, c);
            }
            secondMigrationSucceeds(src, c);
        }
    }

    /** The source killed mid-stream: the destination ends with one line, exit 1, its guest never run. */
    @Test
    void aSourceKilledMidStreamEndsTheDestinationCleanly() throws Exception {
        try (Destination d = destination()) {
            try (ModvmProcess src = source("src.qmp");
                    QmpTestClient c = QmpTestClient.connect(dir.resolve("src.qmp"), src, SEEN)) {
                c.negotiate();
                awaitPassAfter(src, 2);
                c.returned("migrate-set-parameters", Map.of("max-bandwidth", 8L << 20));
                c.returned("migrate", Map.of("uri", d.uri()));
                awaitStatus(c, "active");
                awaitStatus(d.qmp(), "active");
            }
            assertEquals(1, d.process().waitFor(SEEN), d.process().stderr());
            assertFalse(d.process().stdout().contains("pass "), "the half-received guest ran:\n"
                    + d.process().stdout());
            oneErrorLine(d.process().stderr(), "load of migration failed");
        }
    }

    /** {@code -incoming tcp:} on a port another process holds: one line, exit 1. */
    /**
     * The migration bundle updated on a destination that waits for its source: the old instance lets go of the
     * port, the new one listens on it again, and the migration that comes then completes.
     */
    @Test
    void aDestinationWhoseMigrationBundleIsUpdatedListensAgain() throws Exception {
        try (ModvmProcess src = source("src.qmp"); QmpTestClient c = QmpTestClient.connect(dir.resolve("src.qmp"),
                src, SEEN); Destination d = destination()) {
            c.negotiate();
            awaitPassAfter(src, 1);
            String updated = hmp(d.qmp(), "bundle_update io.modvm.migration");
            assertTrue(updated.startsWith("io.modvm.migration updated to "), updated);
            awaitListening(d.qmp());
            assertEquals("inmigrate", status(d.qmp()));
            c.returned("migrate-set-parameters", Map.of("max-bandwidth", 1L << 30));
            c.returned("migrate", Map.of("uri", d.uri()));
            Map<String, Object> info = awaitMigration(c);
            assertEquals("completed", info.get("status"), info + "\n" + src.stderr() + "\n"
                    + d.process().stderr());
            awaitPassAfter(d.process(), lastPass(src.stdout())[0]);
        }
    }

    @Test
    void aBusyPortForIncomingIsOneLine() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ModvmProcess dst = start(guest(dir.resolve("dst.qmp"), DIRTYING, "128"), "-incoming",
                    "tcp:127.0.0.1:" + busy.getLocalPort());
            try (dst) {
                assertEquals(1, dst.waitFor(SEEN), dst.stderr());
                oneErrorLine(dst.stderr(), String.valueOf(busy.getLocalPort()));
                assertFalse(dst.stdout().contains("pass "), dst.stdout());
            }
        }
    }

    /** migrate to a port nobody listens on: QMP and HMP give one line, the guest runs on. */
    @Test
    void aRefusedDestinationIsOneLineAndTheSourceRunsOn() throws Exception {
        try (ModvmProcess src = source("src.qmp");
                QmpTestClient c = QmpTestClient.connect(dir.resolve("src.qmp"), src, SEEN)) {
            c.negotiate();
            awaitPassAfter(src, 2);
            String uri = "tcp:127.0.0.1:" + freePort();
            Map<String, Object> answer = c.execute("migrate", Map.of("uri", uri));
            String desc = String.valueOf(((Map<?, ?>) answer.get("error")).get("desc"));
            assertTrue(desc.contains("Failed to connect") && !desc.contains("\n"), desc);
            String hmp = hmp(c, "migrate " + uri).trim();
            assertTrue(hmp.startsWith("Error: ") || hmp.contains("Failed to connect"), hmp);
            assertFalse(hmp.contains("\n"), hmp);
            runsOn(src, c);
            secondMigrationSucceeds(src, c);
        }
    }

    /**
     * Destinations whose machine differs from the source's (another vCPU count, an extra device, a device with
     * another configuration) refuse before any RAM, saying what differs; the source runs on each time.
     */
    @Test
    void aDifferentDestinationIsRefusedWithWhatDiffers() throws Exception {
        String nic = "virtio-net-pci,id=net0,mac=52:54:00:12:34:";
        List<String> srcArgs = withDevice(guest(dir.resolve("src.qmp"), "mib=4 every=50", "128"), nic + "01");
        try (ModvmProcess src = start(srcArgs);
                QmpTestClient c = QmpTestClient.connect(dir.resolve("src.qmp"), src, SEEN)) {
            c.negotiate();
            awaitPassAfter(src, 1);
            refused(src, c, List.of("-smp", "2", "-device", nic + "01"), "vCPUs: source 1, here 2");
            refused(src, c, List.of("-device", nic + "01", "-device", "virtio-rng-pci,id=rng0"), "rng0");
            refused(src, c, List.of("-device", nic + "02"), "52:54:00:12:34:02");
        }
    }

    /**
     * savevm onto a qcow2 image on a filesystem too small for the VM state (a 2 MiB tmpfs in a mount namespace of
     * the test's own, so nothing on the host changes): one line, no snapshot taken, the image clean as qemu-img
     * checks it, and the guest runs on.
     */
    @Test
    void savevmOnAFullDiskFailsCleanAndTheGuestRunsOn() throws Exception {
        Path small = Files.createDirectories(dir.resolve("small"));
        Path image = small.resolve("disk.qcow2");
        List<String> prefix = List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs -o size=2m modvm-test-full " + small + " && qemu-img create -q -f qcow2 " + image
                        + " 16M && exec \"$0\" \"$@\"");
        List<String> args = guest(dir.resolve("src.qmp"), "mib=16 every=10", "128");
        args.addAll(List.of("-drive", "file=" + image + ",if=virtio,format=qcow2"));
        try (ModvmProcess p = ModvmProcess.start(Map.of(), prefix, args.toArray(String[]::new));
                QmpTestClient c = QmpTestClient.connect(dir.resolve("src.qmp"), p, SEEN)) {
            c.negotiate();
            awaitPassAfter(p, 2);
            String answer = hmp(c, "savevm full").trim();
            assertTrue(answer.startsWith("Error: ") && !answer.contains("\n"), answer);
            assertTrue(answer.toLowerCase().contains("space"), answer);
            assertTrue(hmp(c, "info snapshots").contains("There is no snapshot available"));
            runsOn(p, c);
            String check = inNamespace(p, "qemu-img", "check", "-U", image.toString());
            assertTrue(check.contains("No errors were found on the image."), check);
            String list = inNamespace(p, "qemu-img", "snapshot", "-U", "-l", image.toString());
            assertFalse(list.contains("full"), list);
        }
    }

    /** Runs {@code command} in the mount namespace of {@code p} and returns its output. */
    private static String inNamespace(ModvmProcess p, String... command) throws Exception {
        List<String> all = new ArrayList<>(List.of("nsenter", "-t", String.valueOf(p.pid()), "-m"));
        all.addAll(List.of(command));
        Process q = new ProcessBuilder(all).redirectErrorStream(true).start();
        String out = new String(q.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        q.waitFor();
        return out;
    }

    /**
     * A NIC whose rings a vhost-user back-end serves that cannot log its writes (it offers neither VHOST_F_LOG_ALL
     * nor LOG_SHMFD): its writes to guest RAM would never reach the dirty log, so migrate refuses at once with one
     * line naming the NIC and what to do, and the guest runs on. (A back-end that logs migrates:
     * VhostUserMigrationIT.)
     */
    @Test
    void aNicOnVhostUserThatCannotLogBlocksMigrationWithOneLine() throws Exception {
        DeviceTypes.assertInstalled("virtio-net-pci");
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addTap("tap0", "10.0.2.1/24", false);
            Path socket = dir.resolve("vu.sock");
            NetNamespace.Peer backEnd = ns.startJavaOnTestClasspath(VhostUserTestBackend.class, socket.toString(),
                    "tap0", "nolog");
            assertTrue(backEnd.awaitOutput("backend: listening", 30), backEnd.output());
            List<String> args = guest(dir.resolve("src.qmp"), "mib=4 every=50", "128");
            args.addAll(List.of("-chardev", "socket,id=c0,path=" + socket, "-netdev", "vhost-user,id=n0,chardev=c0",
                    "-device", "virtio-net-pci,id=net0,netdev=n0"));
            try (ModvmProcess src = ModvmProcess.start(Map.of(), ns.prefix(), args.toArray(String[]::new));
                    QmpTestClient c = QmpTestClient.connect(dir.resolve("src.qmp"), src, SEEN)) {
                c.negotiate();
                awaitPassAfter(src, 1);
                Map<String, Object> answer = c.execute("migrate", Map.of("uri", "file:" + dir.resolve("state")));
                String desc = String.valueOf(((Map<?, ?>) answer.get("error")).get("desc"));
                assertTrue(desc.contains("NIC 'net0'") && desc.contains("vhost-user") && !desc.contains("\n"),
                        desc);
                assertTrue(desc.contains("cannot log its writes"), desc);
                assertFalse(Files.exists(dir.resolve("state")), "a stream was started");
                runsOn(src, c);
            }
        }
    }

    private void refused(ModvmProcess src, QmpTestClient c, List<String> extra, String expected) throws Exception {
        Path qmp = dir.resolve("dst" + next++ + ".qmp");
        int port = freePort();
        List<String> args = guest(qmp, "mib=4 every=50", "128");
        args.addAll(extra);
        try (ModvmProcess dst = start(args, "-incoming", "tcp:127.0.0.1:" + port);
                QmpTestClient d = QmpTestClient.connect(qmp, dst, SEEN)) {
            d.negotiate();
            awaitListening(d);
            c.returned("migrate", Map.of("uri", "tcp:127.0.0.1:" + port));
            Map<String, Object> info = awaitMigration(c);
            assertEquals("failed", info.get("status"), info.toString());
            String why = String.valueOf(info.get("error-desc"));
            assertTrue(why.contains(expected), "'" + expected + "' not in: " + why);
            assertEquals(0L, ((Number) ((Map<?, ?>) info.get("ram")).get("normal")).longValue(),
                    "RAM moved before the refusal: " + info);
            assertTrue(dst.waitFor(SEEN) != 0, "the destination went on with a refused stream");
            assertTrue(dst.stderr().contains(expected), dst.stderr());
            runsOn(src, c);
        }
    }

    private static List<String> withDevice(List<String> args, String device) {
        List<String> out = new ArrayList<>(args);
        out.addAll(List.of("-device", device));
        return out;
    }

    /** Exactly one line of {@code stderr} names {@code what}, and no stack trace is printed. */
    private static void oneErrorLine(String stderr, String what) {
        long lines = stderr.lines().filter(l -> l.contains(what)).count();
        assertEquals(1, lines, "not one line with '" + what + "':\n" + stderr);
        assertFalse(stderr.contains("\tat "), stderr);
    }
}

package io.modvm.e2e;

import static io.modvm.e2e.PatternGuest.SEEN;
import static io.modvm.e2e.PatternGuest.awaitListening;
import static io.modvm.e2e.PatternGuest.awaitMigration;
import static io.modvm.e2e.PatternGuest.awaitPassAfter;
import static io.modvm.e2e.PatternGuest.awaitStatus;
import static io.modvm.e2e.PatternGuest.freePort;
import static io.modvm.e2e.PatternGuest.guest;
import static io.modvm.e2e.PatternGuest.lastPass;
import static io.modvm.e2e.PatternGuest.start;
import static io.modvm.e2e.PatternGuest.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live migration and migration to a file between two modvm processes on this host, with a tiny guest
 * (guests/migrate_pattern.c) that keeps writing a pattern across its RAM and checks every page against what it
 * wrote before: a page lost or stale after the move makes it print CORRUPT and exit 3. The destination must go on
 * counting passes from where the source stopped, and its timer interrupts must keep coming.
 */
@Timeout(300)
class MigrationIT {
    @TempDir
    Path dir;

    /**
     * The seed's flow with a stream in a file: migrate to file:, the source ends paused in postmigrate, a new
     * process started with the same command line and -incoming file: goes on from there.
     */
    @Test
    void aGuestSavedToAFileGoesOnInANewProcess() throws Exception {
        Path state = dir.resolve("guest.state");
        List<String> args = guest(dir.resolve("src.qmp"), "mib=16 every=10", "128");
        long[] before;
        try (ModvmProcess src = start(args); QmpTestClient c = QmpTestClient.connect(dir.resolve("src.qmp"), src,
                SEEN)) {
            c.negotiate();
            awaitPassAfter(src, 20);
            c.returned("migrate", Map.of("uri", "file:" + state));
            Map<String, Object> info = awaitMigration(c);
            assertEquals("completed", info.get("status"), info.toString());
            assertEquals("postmigrate", status(c));
            before = lastPass(src.stdout());
            Thread.sleep(300);
            assertEquals(before[0], lastPass(src.stdout())[0], "the source ran on after it was migrated");
            c.returned("quit");
            src.waitFor(SEEN);
        }
        assertTrue(Files.size(state) > 16 << 20, "the file holds the working set");
        List<String> dest = guest(dir.resolve("dst.qmp"), "mib=16 every=10", "128");
        try (ModvmProcess dst = start(dest, "-incoming", "file:" + state)) {
            long[] after = awaitPassAfter(dst, before[0]);
            assertFalse(dst.stdout().contains("pattern over"), "the destination booted the guest afresh:\n"
                    + dst.stdout());
            long[] later = awaitPassAfter(dst, after[0] + 10);
            assertTrue(later[1] > after[1], "timer interrupts stopped after the migration: " + later[1]);
        }
    }

    /** Live over tcp while the guest rewrites its whole working set on every pass. */
    @Test
    void aGuestDirtyingItsRamMovesLiveOverTcp() throws Exception {
        liveMigration("tcp:127.0.0.1:" + freePort(), "mib=32 every=5", Map.of());
    }

    /** Live over a unix socket, idle guest, a bandwidth cap and a short downtime limit. */
    @Test
    void anIdleGuestMovesLiveOverUnixUnderABandwidthCap() throws Exception {
        liveMigration("unix:" + dir.resolve("mig.sock"), "mib=16 every=200 dirty=0",
                Map.of("max-bandwidth", 64L << 20, "downtime-limit", 100L));
    }

    private void liveMigration(String uri, String append, Map<String, Object> parameters) throws Exception {
        List<String> args = guest(dir.resolve("src.qmp"), append, "128");
        List<String> dest = guest(dir.resolve("dst.qmp"), append, "128");
        try (ModvmProcess dst = start(dest, "-incoming", uri);
                QmpTestClient d = QmpTestClient.connect(dir.resolve("dst.qmp"), dst, SEEN);
                ModvmProcess src = start(args);
                QmpTestClient c = QmpTestClient.connect(dir.resolve("src.qmp"), src, SEEN)) {
            d.negotiate();
            c.negotiate();
            assertEquals("inmigrate", status(d));
            awaitListening(d);
            long[] running = awaitPassAfter(src, 2);
            if (!parameters.isEmpty()) {
                c.returned("migrate-set-parameters", parameters);
            }
            c.returned("migrate-set-capabilities", Map.of("capabilities",
                    List.of(Map.of("capability", "events", "state", true))));
            c.returned("migrate", Map.of("uri", uri));
            Map<String, Object> info = awaitMigration(c);
            assertEquals("completed", info.get("status"), info + "\nsource stderr:\n" + src.stderr()
                    + "\ndestination stderr:\n" + dst.stderr());
            assertEquals("postmigrate", status(c));
            long[] last = lastPass(src.stdout());
            assertTrue(last[0] >= running[0]);
            long[] after = awaitPassAfter(dst, last[0]);
            assertEquals("running", status(d));
            assertTrue(after[1] >= last[1], "the guest's tick count went back: " + last[1] + " then " + after[1]);
            assertTrue(c.events().stream().anyMatch(e -> "MIGRATION".equals(e.get("event"))), c.events()
                    .toString());
        }
    }

    /** A destination with other RAM refuses before any RAM moves, says what differs, and the source runs on. */
    @Test
    void aDestinationWithOtherRamRefusesAndTheSourceRunsOn() throws Exception {
        String uri = "tcp:127.0.0.1:" + freePort();
        try (ModvmProcess dst = start(guest(dir.resolve("dst.qmp"), "mib=4", "256"), "-incoming", uri);
                QmpTestClient d = QmpTestClient.connect(dir.resolve("dst.qmp"), dst, SEEN);
                ModvmProcess src = start(guest(dir.resolve("src.qmp"), "mib=4 every=50", "128"));
                QmpTestClient c = QmpTestClient.connect(dir.resolve("src.qmp"), src, SEEN)) {
            d.negotiate();
            c.negotiate();
            awaitListening(d);
            long[] running = awaitPassAfter(src, 1);
            c.returned("migrate", Map.of("uri", uri));
            Map<String, Object> info = awaitMigration(c);
            assertEquals("failed", info.get("status"), info.toString());
            assertTrue(String.valueOf(info.get("error-desc")).contains("RAM"), info.toString());
            assertEquals("running", status(c));
            awaitPassAfter(src, running[0] + 1);
            assertTrue(dst.waitFor(SEEN) != 0, "the destination went on with a refused stream");
            assertTrue(dst.stderr().contains("RAM"), dst.stderr());
        }
    }

    /** A file that is not a migration stream: one line, and the guest never runs. */
    @Test
    void aStreamThatIsNotOneIsRefusedWithOneLine() throws Exception {
        Path garbage = dir.resolve("garbage");
        Files.writeString(garbage, "this is not a migration stream\n");
        try (ModvmProcess dst = start(guest(dir.resolve("dst.qmp"), "mib=4", "128"), "-incoming",
                "file:" + garbage)) {
            assertEquals(1, dst.waitFor(SEEN), dst.stderr());
            assertTrue(dst.stderr().contains("not a modvm migration stream"), dst.stderr());
            assertFalse(dst.stdout().contains("pattern over"), dst.stdout());
        }
    }

    /** A destination killed during the copy leaves the source running, and a second migration succeeds. */
    @Test
    void aDestinationKilledDuringTheCopyLeavesTheSourceRunning() throws Exception {
        String uri = "tcp:127.0.0.1:" + freePort();
        List<String> args = guest(dir.resolve("src.qmp"), "mib=32 every=5", "128");
        try (ModvmProcess src = start(args);
                QmpTestClient c = QmpTestClient.connect(dir.resolve("src.qmp"), src, SEEN)) {
            c.negotiate();
            awaitPassAfter(src, 1);
            try (ModvmProcess dst = start(guest(dir.resolve("dst.qmp"), "mib=32 every=5", "128"), "-incoming",
                    uri); QmpTestClient d = QmpTestClient.connect(dir.resolve("dst.qmp"), dst, SEEN)) {
                d.negotiate();
                awaitListening(d);
                c.returned("migrate-set-parameters", Map.of("max-bandwidth", 8L << 20));
                c.returned("migrate", Map.of("uri", uri));
                awaitStatus(c, "active");
                dst.terminate();
                dst.waitFor(SEEN);
            }
            Map<String, Object> info = awaitMigration(c);
            assertEquals("failed", info.get("status"), info.toString());
            assertEquals("running", status(c));
            long[] last = lastPass(src.stdout());
            awaitPassAfter(src, last[0]);
            c.returned("migrate-set-parameters", Map.of("max-bandwidth", 1L << 30));
            String uri2 = "tcp:127.0.0.1:" + freePort();
            try (ModvmProcess dst = start(guest(dir.resolve("dst2.qmp"), "mib=32 every=5", "128"), "-incoming",
                    uri2); QmpTestClient d = QmpTestClient.connect(dir.resolve("dst2.qmp"), dst, SEEN)) {
                d.negotiate();
                awaitListening(d);
                c.returned("migrate", Map.of("uri", uri2));
                assertEquals("completed", awaitMigration(c).get("status"));
                awaitPassAfter(dst, lastPass(src.stdout())[0]);
            }
        }
    }
}

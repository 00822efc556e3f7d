package io.modvm.e2e;

import static io.modvm.e2e.PatternGuest.SEEN;
import static io.modvm.e2e.PatternGuest.awaitListening;
import static io.modvm.e2e.PatternGuest.awaitMigration;
import static io.modvm.e2e.PatternGuest.awaitPassAfter;
import static io.modvm.e2e.PatternGuest.awaitStatus;
import static io.modvm.e2e.PatternGuest.awaitStatusChange;
import static io.modvm.e2e.PatternGuest.freePort;
import static io.modvm.e2e.PatternGuest.guest;
import static io.modvm.e2e.PatternGuest.hmp;
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
 * Migration as QEMU 7.2's monitor drives it, with the pattern guest (guests/migrate_pattern.c): the seed's
 * {@code exec:} pair, {@code -incoming defer}, HMP's {@code migrate}, {@code migrate -d}, {@code info migrate} and
 * the parameter and capability commands, query-migrate while a migration runs and after, the MIGRATION,
 * MIGRATION_PASS, STOP and RESUME events, a destination under {@code -S}, and a source started again after it
 * migrated.
 */
@Timeout(300)
class MigrationMonitorIT {
    @TempDir
    Path dir;

    /**
     * The seed's QEMU 7.2 flow: HMP {@code migrate "exec:cat > FILE"} waits for the end; {@code info migrate} has
     * QEMU's shape; the source, paused in postmigrate, runs again on {@code cont}; a new process with
     * {@code -incoming "exec:cat FILE"} and {@code -S} loads it and waits, paused, for its own {@code cont}.
     */
    @Test
    void execCatThereAndBackWithSAndCont() throws Exception {
        Path state = dir.resolve("guest.state");
        long[] before;
        try (ModvmProcess src = start(guest(dir.resolve("src.qmp"), "mib=8 every=10", "128"));
                QmpTestClient c = QmpTestClient.connect(dir.resolve("src.qmp"), src, SEEN)) {
            c.negotiate();
            awaitPassAfter(src, 10);
            String none = hmp(c, "info migrate");
            assertTrue(none.startsWith("globals:\r\n") || none.startsWith("globals:\n"), none);
            assertFalse(none.contains("Migration status"), none);
            String answer = hmp(c, "migrate \"exec:cat > " + state + "\"");
            assertEquals("", answer.trim(), "HMP migrate printed: " + answer);
            assertEquals("postmigrate", status(c));
            assertTrue(hmp(c, "info status").contains("VM status: paused (postmigrate)"));
            String info = hmp(c, "info migrate").replace("\r", "");
            for (String line : List.of("globals:", "Migration status: completed", "total time: ", "downtime: ",
                    "setup: ", "transferred ram: ", "throughput: ", "remaining ram: 0 kbytes",
                    "total ram: 131072 kbytes", "duplicate: ", "skipped: 0 pages", "normal: ", "normal bytes: ",
                    "dirty sync count: ", "page size: 4 kbytes", "multifd bytes: 0 kbytes", "pages-per-second: ")) {
                assertTrue(info.contains("\n" + line) || info.startsWith(line), "no '" + line + "' in:\n" + info);
            }
            assertTrue(info.indexOf("Migration status") < info.indexOf("total time")
                    && info.indexOf("total time") < info.indexOf("transferred ram")
                    && info.indexOf("transferred ram") < info.indexOf("pages-per-second"), info);
            before = lastPass(src.stdout());
            hmp(c, "cont");
            assertEquals("running", status(c));
            awaitPassAfter(src, before[0] + 1);
            c.returned("quit");
            src.waitFor(SEEN);
        }
        assertTrue(Files.size(state) > 8 << 20, "the file holds the working set");
        try (ModvmProcess dst = start(guest(dir.resolve("dst.qmp"), "mib=8 every=10", "128"), "-incoming",
                "exec:cat " + state, "-S");
                QmpTestClient d = QmpTestClient.connect(dir.resolve("dst.qmp"), dst, SEEN)) {
            d.negotiate();
            assertEquals("paused", awaitStatusChange(d, "inmigrate"), dst.stderr());
            Thread.sleep(300);
            assertFalse(dst.stdout().contains("pass "), "the guest ran before cont:\n" + dst.stdout());
            d.returned("cont");
            long[] after = awaitPassAfter(dst, before[0]);
            assertFalse(dst.stdout().contains("pattern over"), "the destination booted afresh:\n" + dst.stdout());
            assertTrue(after[1] >= before[1], "ticks went back");
            assertTrue(d.events().stream().anyMatch(e -> "RESUME".equals(e.get("event"))), d.events().toString());
        }
    }

    /**
     * {@code -incoming defer} then QMP {@code migrate-incoming}; the source set up through HMP (a 64M bandwidth cap,
     * the events and auto-converge capabilities, as info migrate_parameters and info migrate_capabilities then
     * show), {@code migrate -d} returns at once, query-migrate and info migrate show the migration while it runs
     * and after, the events come on both sides, and the destination runs by itself.
     */
    @Test
    @SuppressWarnings("unchecked")
    void deferredIncomingAndTheMonitorsViewOfALiveMigration() throws Exception {
        String uri = "tcp:127.0.0.1:" + freePort();
        try (ModvmProcess dst = start(guest(dir.resolve("dst.qmp"), "mib=32 every=5", "128"), "-incoming",
                "defer");
                QmpTestClient d = QmpTestClient.connect(dir.resolve("dst.qmp"), dst, SEEN);
                ModvmProcess src = start(guest(dir.resolve("src.qmp"), "mib=32 every=5", "128"));
                QmpTestClient c = QmpTestClient.connect(dir.resolve("src.qmp"), src, SEEN)) {
            d.negotiate();
            c.negotiate();
            assertEquals("inmigrate", status(d));
            assertEquals(Map.of(), d.returned("query-migrate"), "nothing listens before migrate-incoming");
            d.returned("migrate-set-capabilities", Map.of("capabilities",
                    List.of(Map.of("capability", "events", "state", true))));
            d.returned("migrate-incoming", Map.of("uri", uri));
            awaitListening(d);
            assertTrue(d.execute("migrate-incoming", Map.of("uri", uri)).containsKey("error"),
                    "a second migrate-incoming was taken");

            assertEquals("", hmp(c, "migrate_set_parameter max-bandwidth 64M").trim());
            assertEquals("", hmp(c, "migrate_set_capability events on").trim());
            assertEquals("", hmp(c, "migrate_set_capability auto-converge on").trim());
            String parameters = hmp(c, "info migrate_parameters").replace("\r", "");
            assertTrue(parameters.contains("\nmax-bandwidth: 67108864 bytes/second\n"), parameters);
            assertTrue(parameters.contains("\ndowntime-limit: 300 ms\n"), parameters);
            assertTrue(parameters.contains("\ntls-creds: ''\n"), parameters);
            assertEquals(67108864L, ((Map<String, Object>) c.returned("query-migrate-parameters"))
                    .get("max-bandwidth"));
            String capabilities = hmp(c, "info migrate_capabilities").replace("\r", "");
            assertTrue(capabilities.contains("\nauto-converge: on\n"), capabilities);
            assertTrue(capabilities.contains("\nevents: on\n"), capabilities);
            assertTrue(capabilities.startsWith("xbzrle: off\n"), capabilities);

            long[] running = awaitPassAfter(src, 2);
            assertEquals("", hmp(c, "migrate -d " + uri).trim());
            awaitStatus(c, "active");
            Map<String, Object> active = (Map<String, Object>) c.returned("query-migrate");
            if ("active".equals(active.get("status"))) {
                for (String key : List.of("setup-time", "total-time", "ram")) {
                    assertTrue(active.containsKey(key), key + " missing while active: " + active);
                }
                Map<String, Object> ram = (Map<String, Object>) active.get("ram");
                for (String key : List.of("transferred", "remaining", "total", "duplicate", "normal",
                        "dirty-pages-rate", "dirty-sync-count", "mbps")) {
                    assertTrue(ram.containsKey(key), key + " missing while active: " + active);
                }
                assertEquals(128L << 20, ((Number) ram.get("total")).longValue());
                assertFalse(active.containsKey("downtime"), "downtime while active: " + active);
            }
            String activeText = hmp(c, "info migrate").replace("\r", "");
            assertTrue(activeText.contains("Migration status: active")
                    || activeText.contains("Migration status: device")
                    || activeText.contains("Migration status: completed"), activeText);
            Map<String, Object> done = awaitMigration(c);
            assertEquals("completed", done.get("status"), done + "\n" + src.stderr() + "\n" + dst.stderr());
            for (String key : List.of("total-time", "downtime", "setup-time", "ram")) {
                assertTrue(done.containsKey(key), key + " missing after: " + done);
            }
            assertFalse(done.containsKey("expected-downtime"), done.toString());
            assertEquals("postmigrate", status(c));
            long[] last = lastPass(src.stdout());
            assertTrue(last[0] >= running[0]);
            awaitPassAfter(dst, last[0]);
            assertEquals("running", status(d));

            List<String> migration = c.events().stream().filter(e -> "MIGRATION".equals(e.get("event")))
                    .map(e -> (String) ((Map<String, Object>) e.get("data")).get("status")).toList();
            assertEquals("setup", migration.get(0), migration.toString());
            assertTrue(migration.contains("active"), migration.toString());
            assertEquals("completed", migration.get(migration.size() - 1), migration.toString());
            assertTrue(c.events().stream().anyMatch(e -> "MIGRATION_PASS".equals(e.get("event"))),
                    c.events().toString());
            assertTrue(c.events().stream().anyMatch(e -> "STOP".equals(e.get("event"))), c.events().toString());
            assertTrue(d.events().stream().anyMatch(e -> "RESUME".equals(e.get("event"))), d.events().toString());
            List<String> incoming = d.events().stream().filter(e -> "MIGRATION".equals(e.get("event")))
                    .map(e -> (String) ((Map<String, Object>) e.get("data")).get("status")).toList();
            assertEquals("completed", incoming.get(incoming.size() - 1), incoming.toString());

            // The source, started again, runs its guest and devices: its passes and its timer go on.
            c.returned("cont");
            assertEquals("running", status(c));
            long[] again = awaitPassAfter(src, last[0] + 5);
            assertTrue(again[1] > last[1], "the source's timer did not go on after cont");
        }
    }
}

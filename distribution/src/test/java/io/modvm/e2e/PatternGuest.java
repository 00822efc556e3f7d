package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pattern guest (guests/migrate_pattern.c) as migration and snapshot tests drive it: its command line, the
 * passes it prints, and the monitor's view of a migration.
 */
final class PatternGuest {
    static final Duration SEEN = Duration.ofSeconds(60);
    private static final Pattern PASS = Pattern.compile("pass (\\d+) ticks (\\d+)");

    private PatternGuest() {
    }

    static List<String> guest(Path qmp, String append, String memory) {
        return new ArrayList<>(List.of("-kernel", Guests.build("migrate_pattern").toString(), "-m", memory,
                "-append", append, "-device", VirtioGuests.DEBUG_EXIT, "-qmp", "unix:" + qmp + ",server,nowait"));
    }

    static ModvmProcess start(List<String> args, String... more) throws IOException {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return ModvmProcess.start(all.toArray(String[]::new));
    }

    /** The last "pass N ticks T" the guest printed: {N, T}. */
    static long[] lastPass(String out) {
        Matcher m = PASS.matcher(out);
        long[] last = null;
        while (m.find()) {
            last = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
        }
        assertTrue(last != null, "no pass printed yet:\n" + out);
        return last;
    }

    /** Waits until the guest printed a pass after {@code after}. */
    static long[] awaitPassAfter(ModvmProcess p, long after) throws InterruptedException {
        long deadline = System.nanoTime() + SEEN.toNanos();
        while (System.nanoTime() < deadline) {
            String out = p.stdout();
            assertFalse(out.contains("CORRUPT"), "the guest found its RAM changed:\n" + out);
            Matcher m = PASS.matcher(out);
            while (m.find()) {
                if (Long.parseLong(m.group(1)) > after) {
                    return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
                }
            }
            assertTrue(p.isAlive(), "modvm ended:\n" + out + "\nstderr:\n" + p.stderr());
            Thread.sleep(50);
        }
        throw new AssertionError("no pass after " + after + " within " + SEEN + ":\n" + p.stdout() + "\nstderr:\n"
                + p.stderr());
    }

    /** Polls query-migrate until the migration ends; returns its last answer. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> awaitMigration(QmpTestClient c) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Object> info = (Map<String, Object>) c.returned("query-migrate");
            Object status = info.get("status");
            if ("completed".equals(status) || "failed".equals(status) || "cancelled".equals(status)) {
                return info;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the migration did not end within 120 s");
    }

    /** Waits until a destination started with -incoming waits for its source (its migration is in setup). */
    static void awaitListening(QmpTestClient d) throws Exception {
        awaitStatus(d, "setup");
    }

    /** Waits until query-migrate shows {@code status}. */
    @SuppressWarnings("unchecked")
    static void awaitStatus(QmpTestClient c, String status) throws Exception {
        long deadline = System.nanoTime() + SEEN.toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Object> info = (Map<String, Object>) c.returned("query-migrate");
            if (status.equals(info.get("status"))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("query-migrate did not show " + status + " within " + SEEN);
    }

    @SuppressWarnings("unchecked")
    static String status(QmpTestClient c) throws Exception {
        return (String) ((Map<String, Object>) c.returned("query-status")).get("status");
    }

    /** Runs an HMP command line through QMP's human-monitor-command and returns what it printed. */
    static String hmp(QmpTestClient c, String line) throws Exception {
        return (String) c.returned("human-monitor-command", Map.of("command-line", line));
    }

    /**
     * Waits until the running migration finished {@code passes} passes over RAM (query-migrate's dirty-sync-count)
     * and returns that answer; fails if it ended first.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> awaitPasses(QmpTestClient c, long passes) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Object> info = (Map<String, Object>) c.returned("query-migrate");
            Object status = info.get("status");
            assertTrue("setup".equals(status) || "active".equals(status), "the migration is not active: " + info);
            Map<String, Object> ram = (Map<String, Object>) info.get("ram");
            if ("active".equals(status) && ((Number) ram.get("dirty-sync-count")).longValue() >= passes) {
                return info;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the migration did not make " + passes + " passes within 120 s");
    }

    /** Waits until query-status no longer shows {@code status}; returns the new one. */
    static String awaitStatusChange(QmpTestClient c, String status) throws Exception {
        long deadline = System.nanoTime() + SEEN.toNanos();
        while (System.nanoTime() < deadline) {
            String now = status(c);
            if (!status.equals(now)) {
                return now;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("still " + status + " after " + SEEN);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

}

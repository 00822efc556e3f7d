package io.modvm.e2e;

import static io.modvm.e2e.PatternGuest.SEEN;
import static io.modvm.e2e.PatternGuest.awaitListening;
import static io.modvm.e2e.PatternGuest.awaitMigration;
import static io.modvm.e2e.PatternGuest.awaitPassAfter;
import static io.modvm.e2e.PatternGuest.freePort;
import static io.modvm.e2e.PatternGuest.guest;
import static io.modvm.e2e.PatternGuest.lastPass;
import static io.modvm.e2e.PatternGuest.start;
import static io.modvm.e2e.PatternGuest.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local migration ({@code x-ignore-shared} on a unix socket): the source hands its RAM's memfd over instead of
 * copying it, so the move of a whole VMM to another process takes milliseconds whatever the RAM size. The pattern
 * guest (guests/migrate_pattern.c) checks every page it wrote before rewriting it, so a page lost in the hand-over
 * makes it print CORRUPT.
 */
@Timeout(300)
class LocalMigrationIT {
    @TempDir
    Path dir;

    /** A 1 GiB guest dirtying a small working set moves with a few kilobytes sent. */
    @Test
    void aOneGibGuestIsHandedOverWithoutCopyingItsRam() throws Exception {
        handOver("1024", "mib=16 every=5");
    }

    /** The default-sized guest the same way. */
    @Test
    void aDefaultSizedGuestIsHandedOverWithoutCopyingItsRam() throws Exception {
        handOver("128", "mib=16 every=5");
    }

    @SuppressWarnings("unchecked")
    private void handOver(String memory, String append) throws Exception {
        String uri = "unix:" + dir.resolve("local.sock");
        try (ModvmProcess dst = start(guest(dir.resolve("dst.qmp"), append, memory), "-incoming", uri);
                QmpTestClient d = QmpTestClient.connect(dir.resolve("dst.qmp"), dst, SEEN);
                ModvmProcess src = start(guest(dir.resolve("src.qmp"), append, memory));
                QmpTestClient c = QmpTestClient.connect(dir.resolve("src.qmp"), src, SEEN)) {
            d.negotiate();
            c.negotiate();
            awaitListening(d);
            long[] running = awaitPassAfter(src, 2);
            c.returned("migrate-set-capabilities", Map.of("capabilities",
                    List.of(Map.of("capability", "x-ignore-shared", "state", true))));
            c.returned("migrate", Map.of("uri", uri));
            Map<String, Object> info = awaitMigration(c);
            assertEquals("completed", info.get("status"), info + "\nsource stderr:\n" + src.stderr()
                    + "\ndestination stderr:\n" + dst.stderr());
            assertEquals("postmigrate", status(c));
            Map<String, Object> ram = (Map<String, Object>) info.get("ram");
            long ramBytes = Long.parseLong(memory) << 20;
            long sent = ((Number) ram.get("transferred")).longValue();
            assertEquals(ramBytes, ((Number) ram.get("total")).longValue(), info.toString());
            assertTrue(sent < 1 << 20, "RAM was copied: " + sent + " bytes sent for " + ramBytes + ": " + info);
            assertEquals(0L, ((Number) ram.get("normal")).longValue(), info.toString());
            long[] last = lastPass(src.stdout());
            assertTrue(last[0] >= running[0]);
            long[] after = awaitPassAfter(dst, last[0] + 2);
            assertEquals("running", status(d));
            assertTrue(after[1] >= last[1], "the guest's tick count went back: " + last[1] + " then " + after[1]);
            System.out.printf("local hand-over of %s MiB: downtime %s ms, total %s ms, %d bytes sent%n", memory,
                    info.get("downtime"), info.get("total-time"), sent);
        }
    }

    /** Over a carrier that cannot pass the memfd, the migration is refused at once and the source runs on. */
    @Test
    void aLocalMigrationOverTcpIsRefusedAndTheSourceRunsOn() throws Exception {
        String uri = "tcp:127.0.0.1:" + freePort();
        try (ModvmProcess dst = start(guest(dir.resolve("dst.qmp"), "mib=4", "128"), "-incoming", uri);
                QmpTestClient d = QmpTestClient.connect(dir.resolve("dst.qmp"), dst, SEEN);
                ModvmProcess src = start(guest(dir.resolve("src.qmp"), "mib=4 every=50", "128"));
                QmpTestClient c = QmpTestClient.connect(dir.resolve("src.qmp"), src, SEEN)) {
            d.negotiate();
            c.negotiate();
            awaitListening(d);
            long[] running = awaitPassAfter(src, 1);
            c.returned("migrate-set-capabilities", Map.of("capabilities",
                    List.of(Map.of("capability", "x-ignore-shared", "state", true))));
            Map<String, Object> answer = c.execute("migrate", Map.of("uri", uri));
            assertTrue(answer.containsKey("error"), "expected an error: " + answer);
            String error = String.valueOf(((Map<?, ?>) answer.get("error")).get("desc"));
            assertTrue(error.contains("x-ignore-shared") && error.contains("unix:"), error);
            assertEquals("running", status(c));
            awaitPassAfter(src, running[0] + 1);
        }
    }
}

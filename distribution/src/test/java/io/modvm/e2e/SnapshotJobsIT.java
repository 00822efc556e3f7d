package io.modvm.e2e;

import static io.modvm.e2e.PatternGuest.SEEN;
import static io.modvm.e2e.PatternGuest.awaitPassAfter;
import static io.modvm.e2e.PatternGuest.guest;
import static io.modvm.e2e.PatternGuest.lastPass;
import static io.modvm.e2e.PatternGuest.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * QEMU 7.2's QMP snapshot jobs: snapshot-save, snapshot-load and snapshot-delete run as jobs that query-jobs shows
 * (with JOB_STATUS_CHANGE events) until job-dismiss; a failed job keeps its error there. The disk is the
 * {@code -drive} node {@code virtio0}; the guest (guests/migrate_pattern.c) checks its own RAM after the load.
 */
@Timeout(180)
class SnapshotJobsIT {
    private static final java.util.regex.Pattern FIRST_PASS = java.util.regex.Pattern.compile("pass (\\d+) ticks");
    @TempDir
    Path dir;

    @BeforeEach
    void qemuImg() {
        DiskImages.assumeQemuImg();
    }

    /** Polls query-jobs until job {@code id} has concluded; returns its entry. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> awaitJob(QmpTestClient c, String id) throws Exception {
        long deadline = System.nanoTime() + SEEN.toNanos();
        while (System.nanoTime() < deadline) {
            for (Object o : (List<Object>) c.returned("query-jobs")) {
                Map<String, Object> job = (Map<String, Object>) o;
                if (id.equals(job.get("id")) && "concluded".equals(job.get("status"))) {
                    return job;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job " + id + " did not conclude within " + SEEN);
    }

    @SuppressWarnings("unchecked")
    private static List<String> statuses(QmpTestClient c, String id) {
        return c.events().stream().filter(e -> "JOB_STATUS_CHANGE".equals(e.get("event")))
                .map(e -> (Map<String, Object>) e.get("data")).filter(d -> id.equals(d.get("id")))
                .map(d -> (String) d.get("status")).toList();
    }

    @Test
    void saveLoadAndDeleteAsJobs() throws Exception {
        Path image = dir.resolve("disk.qcow2");
        DiskImages.Result made = DiskImages.qemuImg("create", "-f", "qcow2", image.toString(), "64M");
        assertEquals(0, made.exit(), made.output());
        List<String> args = new ArrayList<>(guest(dir.resolve("q.qmp"), "mib=16 every=10", "128"));
        args.addAll(List.of("-drive", "file=" + image + ",if=virtio,format=qcow2"));
        try (ModvmProcess p = start(args); QmpTestClient c = QmpTestClient.connect(dir.resolve("q.qmp"), p, SEEN)) {
            c.negotiate();
            awaitPassAfter(p, 10);
            c.returned("snapshot-save", Map.of("job-id", "s1", "tag", "snap", "vmstate", "virtio0", "devices",
                    List.of("virtio0")));
            Map<String, Object> saved = awaitJob(c, "s1");
            assertFalse(saved.containsKey("error"), saved.toString());
            assertEquals("snapshot-save", saved.get("type"));
            long[] atSave = lastPass(p.stdout());
            assertEquals(List.of("created", "running", "waiting", "pending", "concluded"), statuses(c, "s1"));
            c.returned("job-dismiss", Map.of("id", "s1"));
            assertTrue(PatternGuest.hmp(c, "info snapshots").contains("snap"));

            c.returned("snapshot-save", Map.of("job-id", "s2", "tag", "snap", "vmstate", "virtio0", "devices",
                    List.of("virtio0")));
            Map<String, Object> again = awaitJob(c, "s2");
            assertTrue(String.valueOf(again.get("error")).contains("Snapshot 'snap' already exists"), again.toString());
            c.returned("job-dismiss", Map.of("id", "s2"));

            c.returned("snapshot-save", Map.of("job-id", "s3", "tag", "other", "vmstate", "nope", "devices",
                    List.of("nope")));
            Map<String, Object> missing = awaitJob(c, "s3");
            assertTrue(String.valueOf(missing.get("error")).contains("nope"), missing.toString());

            long beforeLoad = awaitPassAfter(p, atSave[0] + 20)[0];
            int mark = p.stdout().length();
            c.returned("snapshot-load", Map.of("job-id", "l1", "tag", "snap", "vmstate", "virtio0", "devices",
                    List.of("virtio0")));
            Map<String, Object> loaded = awaitJob(c, "l1");
            assertFalse(loaded.containsKey("error"), loaded.toString());
            // Passes the guest printed after the mark but before the load stopped it count on from beforeLoad; the
            // first one below it is the guest going on from the snapshot.
            long deadline = System.nanoTime() + SEEN.toNanos();
            long resumed = -1;
            while (resumed < 0 && System.nanoTime() < deadline) {
                java.util.regex.Matcher pass = FIRST_PASS.matcher(p.stdout().substring(mark));
                while (pass.find()) {
                    if (Long.parseLong(pass.group(1)) < beforeLoad) {
                        resumed = Long.parseLong(pass.group(1));
                        break;
                    }
                }
                Thread.sleep(20);
            }
            assertFalse(p.stdout().contains("CORRUPT"), p.stdout());
            assertTrue(resumed >= atSave[0] && resumed < beforeLoad, "after the load the guest counts from the"
                    + " snapshot (" + atSave[0] + "), not from before the load (" + beforeLoad + "): " + resumed);

            c.returned("snapshot-delete", Map.of("job-id", "d1", "tag", "snap", "devices", List.of("virtio0")));
            assertFalse(awaitJob(c, "d1").containsKey("error"));
            assertTrue(PatternGuest.hmp(c, "info snapshots").contains("There is no snapshot available"));
            Map<String, Object> busy = c.execute("snapshot-delete", Map.of("job-id", "d1", "tag", "x", "devices",
                    List.of("virtio0")));
            assertTrue(String.valueOf(busy.get("error")).contains("Job ID 'd1' already in use"), busy.toString());
        }
        DiskImages.Result check = DiskImages.qemuImg("check", image.toString());
        assertEquals(0, check.exit(), check.output());
    }
}

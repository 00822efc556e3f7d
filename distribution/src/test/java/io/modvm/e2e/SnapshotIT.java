package io.modvm.e2e;

import static io.modvm.e2e.PatternGuest.SEEN;
import static io.modvm.e2e.PatternGuest.awaitPassAfter;
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
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots inside qcow2 images, the seed's static migration: savevm, quit, copy the image elsewhere, start the same
 * command line there, loadvm. qemu-img must agree: the snapshot is listed, the image is clean. The guest
 * (guests/migrate_pattern.c) checks its own RAM after the load.
 */
@Timeout(300)
class SnapshotIT {
    @TempDir
    Path dir;

    @BeforeEach
    void qemuImg() {
        DiskImages.assumeQemuImg();
    }

    private Path qcow2(String name) throws Exception {
        Path image = dir.resolve(name);
        DiskImages.Result r = DiskImages.qemuImg("create", "-f", "qcow2", image.toString(), "64M");
        assertEquals(0, r.exit(), r.output());
        return image;
    }

    private static List<String> withDisk(List<String> args, Path image, String format) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("-drive", "file=" + image + ",if=virtio,format=" + format));
        return all;
    }

    @Test
    void savevmCopyTheImageStartTheSameCommandLineLoadvm() throws Exception {
        Path image = qcow2("disk.qcow2");
        long[] saved;
        try (ModvmProcess src = start(withDisk(guest(dir.resolve("a.qmp"), "mib=16 every=10", "128"), image,
                "qcow2")); QmpTestClient c = QmpTestClient.connect(dir.resolve("a.qmp"), src, SEEN)) {
            c.negotiate();
            awaitPassAfter(src, 10);
            assertEquals("", hmp(c, "savevm snap1"));
            saved = lastPass(src.stdout());
            String list = hmp(c, "info snapshots");
            assertTrue(list.contains("snap1"), list);
            awaitPassAfter(src, saved[0] + 5);
            assertEquals("running", status(c));
            c.returned("quit");
            src.waitFor(SEEN);
        }
        DiskImages.Result listed = DiskImages.qemuImg("snapshot", "-l", image.toString());
        assertTrue(listed.output().contains("snap1"), listed.output());
        DiskImages.Result check = DiskImages.qemuImg("check", image.toString());
        assertEquals(0, check.exit(), check.output());

        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere")).resolve("disk.qcow2");
        Files.copy(image, elsewhere, StandardCopyOption.COPY_ATTRIBUTES);
        try (ModvmProcess dst = start(withDisk(guest(dir.resolve("b.qmp"), "mib=16 every=10", "128"), elsewhere,
                "qcow2"), "-S"); QmpTestClient c = QmpTestClient.connect(dir.resolve("b.qmp"), dst, SEEN)) {
            c.negotiate();
            assertEquals("prelaunch", status(c));
            assertEquals("", hmp(c, "loadvm snap1"));
            c.returned("cont");
            long[] after = awaitPassAfter(dst, saved[0]);
            assertFalse(dst.stdout().contains("pattern over"), "the guest booted afresh:\n" + dst.stdout());
            assertTrue(after[0] <= saved[0] + 20, "passes went on from the snapshot, not from later: " + after[0]);
        }
        try (ModvmProcess again = start(withDisk(guest(dir.resolve("c.qmp"), "mib=16 every=10", "128"), elsewhere,
                "qcow2"), "-loadvm", "snap1")) {
            awaitPassAfter(again, saved[0]);
            assertFalse(again.stdout().contains("pattern over"), again.stdout());
        }
        try (ModvmProcess del = start(withDisk(guest(dir.resolve("d.qmp"), "mib=4 every=10", "128"), elsewhere,
                "qcow2")); QmpTestClient c = QmpTestClient.connect(dir.resolve("d.qmp"), del, SEEN)) {
            c.negotiate();
            assertEquals("", hmp(c, "delvm snap1"));
            assertTrue(hmp(c, "info snapshots").contains("There is no snapshot available"));
            c.returned("quit");
            del.waitFor(SEEN);
        }
        DiskImages.Result after = DiskImages.qemuImg("check", elsewhere.toString());
        assertEquals(0, after.exit(), after.output());
    }

    @Test
    void savevmOnRawDisksOnlyIsRefusedAsQemuRefusesIt() throws Exception {
        Path raw = dir.resolve("disk.raw");
        Files.write(raw, new byte[1 << 20]);
        try (ModvmProcess p = start(withDisk(guest(dir.resolve("r.qmp"), "mib=4 every=10", "128"), raw, "raw"));
                QmpTestClient c = QmpTestClient.connect(dir.resolve("r.qmp"), p, SEEN)) {
            c.negotiate();
            awaitPassAfter(p, 1);
            Map<String, Object> answer = c.execute("human-monitor-command", Map.of("command-line", "savevm s"));
            String text = String.valueOf(answer.get("return")) + answer.get("error");
            assertTrue(text.contains("does not support snapshots"), text);
            assertEquals("running", status(c));
        }
    }

    @Test
    void loadvmOfAMissingTagSaysSoAndTheGuestRunsOn() throws Exception {
        Path image = qcow2("disk.qcow2");
        try (ModvmProcess p = start(withDisk(guest(dir.resolve("m.qmp"), "mib=4 every=10", "128"), image,
                "qcow2")); QmpTestClient c = QmpTestClient.connect(dir.resolve("m.qmp"), p, SEEN)) {
            c.negotiate();
            long[] running = awaitPassAfter(p, 1);
            Map<String, Object> answer = c.execute("human-monitor-command", Map.of("command-line", "loadvm nope"));
            String text = String.valueOf(answer.get("return")) + answer.get("error");
            assertTrue(text.contains("Snapshot 'nope' does not exist"), text);
            awaitPassAfter(p, running[0] + 1);
        }
    }
}

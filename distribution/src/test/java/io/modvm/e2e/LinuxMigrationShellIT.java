package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default guest's shell checks its own RAM and files after a live migration and after a snapshot is loaded in a
 * new process: a file of random data in its RAM-backed root and its checksum, written before the move, must still
 * match after it; and the shell that typed them must be the same one (a variable set before the move keeps its
 * value). These need Linux user space, which runs on any host with VT-x or AMD-V; on a PVM host they are skipped
 * with the reason (LinuxMigrationIT moves the kernel there, judged from what the kernel does by itself).
 */
class LinuxMigrationShellIT {
    private static final Duration SHELL = Duration.ofMinutes(5);
    private static final Duration SEEN = Duration.ofSeconds(60);
    private int commands;

    @BeforeEach
    void needsUserSpace() {
        boolean pvm = LinuxGuest.hostEmulatesKernel();
        if (pvm) {
            System.out.println("LinuxMigrationShellIT skipped: " + LinuxGuest.PVM_SKIP_REASON);
        }
        assumeFalse(pvm, LinuxGuest.PVM_SKIP_REASON);
    }

    /** The default guest (no -kernel) with a qcow2 disk, so that savevm has somewhere to go. */
    private static List<String> guest(Path disk, Path qmp) {
        return new ArrayList<>(List.of("-m", "256", "-drive", "file=" + disk + ",if=virtio,format=qcow2",
                "-qmp", "unix:" + qmp + ",server,nowait"));
    }

    private static Path qcow2(Path dir) throws Exception {
        DiskImages.assumeQemuImg();
        Path disk = dir.resolve("disk.qcow2");
        DiskImages.Result r = DiskImages.qemuImg("create", "-f", "qcow2", disk.toString(), "64M");
        assertEquals(0, r.exit(), r.output());
        return disk;
    }

    private static ModvmProcess start(List<String> args, String... more) throws Exception {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return ModvmProcess.start(all.toArray(String[]::new));
    }

    /**
     * Types {@code command}, then an echo of a marker that the typed line itself does not contain, and returns what
     * the console printed up to the marker.
     */
    private String shell(ModvmProcess p, String command) throws Exception {
        int n = ++commands;
        int from = p.stdout().length();
        p.type(command + "; echo shell-done-$((" + n + "*11))\n");
        p.awaitOutput("shell-done-" + n * 11, SHELL);
        return p.stdout().substring(from);
    }

    /** 32 MiB of random data in the guest's RAM, its checksum, a file on the side and a shell variable. */
    private void writeState(ModvmProcess p) throws Exception {
        p.awaitOutput("# ", SHELL);
        // The default guest's root is its initramfs, itself in RAM, so /tmp is RAM whatever is mounted there.
        shell(p, "mkdir -p /tmp && dd if=/dev/urandom of=/tmp/ram bs=1M count=32 2>/dev/null && md5sum /tmp/ram > /tmp/ram.md5 && "
                + "echo modvm-moved > /tmp/note && MOVED=before-$((20+1))");
    }

    /** What the shell says about the state {@link #writeState} left, wherever it runs now. */
    private void assertStateKept(ModvmProcess p, String when) throws Exception {
        String out = shell(p, "md5sum -c /tmp/ram.md5 && cat /tmp/note && echo var-$MOVED");
        assertTrue(out.contains("/tmp/ram: OK"), "the RAM file's checksum " + when + ":\n" + out);
        assertTrue(out.contains("modvm-moved"), when + ":\n" + out);
        assertTrue(out.contains("var-before-21"), "the same shell goes on " + when + ":\n" + out);
    }

    @Test
    @Timeout(900)
    void theShellFindsItsRamAndFilesUnchangedAfterALiveMove(@TempDir Path dir) throws Exception {
        Path disk = qcow2(dir);
        String uri = "unix:" + dir.resolve("migrate.sock");
        try (ModvmProcess src = start(guest(disk, dir.resolve("src.qmp")));
                ModvmProcess dst = start(guest(disk, dir.resolve("dst.qmp")), "-incoming", uri)) {
            writeState(src);
            try (QmpTestClient s = QmpTestClient.connect(dir.resolve("src.qmp"), src, SEEN);
                    QmpTestClient d = QmpTestClient.connect(dir.resolve("dst.qmp"), dst, SEEN)) {
                s.negotiate();
                d.negotiate();
                PatternGuest.awaitListening(d);
                // Keep the guest writing RAM during the move.
                src.type("(while :; do dd if=/dev/urandom of=/tmp/busy bs=1M count=8 2>/dev/null; done) &\n");
                s.returned("migrate", Map.of("uri", uri));
                Map<String, Object> info = PatternGuest.awaitMigration(s);
                assertEquals("completed", info.get("status"), info + "\n" + src.stderr() + "\n" + dst.stderr());
                assertEquals("postmigrate", PatternGuest.status(s));
                assertEquals("running", PatternGuest.status(d));
            }
            assertStateKept(dst, "after the live move");
            shell(dst, "kill $! 2>/dev/null; true");
            dst.type("poweroff -f\n");
            assertEquals(0, dst.waitFor(Duration.ofMinutes(2)), dst.stdout() + dst.stderr());
        }
    }

    @Test
    @Timeout(900)
    void theShellFindsItsRamAndFilesUnchangedAfterLoadvmInANewProcess(@TempDir Path dir) throws Exception {
        Path disk = qcow2(dir);
        try (ModvmProcess first = start(guest(disk, dir.resolve("a.qmp")))) {
            writeState(first);
            try (QmpTestClient c = QmpTestClient.connect(dir.resolve("a.qmp"), first, SEEN)) {
                c.negotiate();
                assertEquals("", c.returned("human-monitor-command", Map.of("command-line", "savevm shell")));
                shell(first, "rm /tmp/note /tmp/ram.md5; MOVED=after-savevm");
                c.returned("quit");
                first.waitFor(SEEN);
            }
        }
        try (ModvmProcess again = start(guest(disk, dir.resolve("b.qmp")), "-loadvm", "shell")) {
            assertStateKept(again, "after -loadvm");
            again.type("poweroff -f\n");
            assertEquals(0, again.waitFor(Duration.ofMinutes(2)), again.stdout() + again.stderr());
        }
    }
}

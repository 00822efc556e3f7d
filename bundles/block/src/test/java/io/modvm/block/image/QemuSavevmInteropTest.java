package io.modvm.block.image;

import static io.modvm.testkit.QemuTools.checkClean;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.modvm.block.DiskImage;
import io.modvm.block.InternalSnapshots;
import io.modvm.block.SnapshotInfo;
import io.modvm.testkit.QemuTools;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VM state area against QEMU itself: a machine-less QEMU ({@code -machine none}) saves a few hundred bytes of
 * state with {@code savevm}, which is read back here from where QEMU put it, and a snapshot made here with those
 * bytes is one that QEMU's {@code loadvm} accepts.
 */
class QemuSavevmInteropTest {
    private static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
    /** QEMU's migration stream starts with "QEVM" and version 3. */
    private static final byte[] STREAM_START = {'Q', 'E', 'V', 'M', 0, 0, 0, 3};

    @TempDir
    Path dir;

    @BeforeEach
    void tools() {
        QemuTools.require();
        boolean present = Files.isExecutable(QEMU);
        if (!present) {
            System.err.println("skipped: " + QEMU + " not installed (package qemu-system-x86)");
        }
        assumeTrue(present, QEMU + " not installed");
    }

    /** Runs HMP commands on a machine-less QEMU with the image as its only drive; returns what the monitor said. */
    private static String hmp(Path image, String... commands) throws Exception {
        List<String> command = new ArrayList<>(List.of(QEMU.toString(), "-machine", "none", "-nodefaults",
                "-display", "none", "-drive", "file=" + image + ",if=none,id=d0,format=qcow2", "-monitor", "stdio"));
        Process qemu = new ProcessBuilder(command).redirectErrorStream(true).start();
        qemu.getOutputStream().write((String.join("\n", commands) + "\nquit\n").getBytes(StandardCharsets.UTF_8));
        qemu.getOutputStream().flush();
        String out = new String(qemu.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!qemu.waitFor(60, TimeUnit.SECONDS)) {
            qemu.destroyForcibly();
            throw new AssertionError("QEMU did not quit: " + out);
        }
        return out;
    }

    @Test
    void stateSavedByQemuIsReadHereAndStateWrittenHereIsLoadedByQemu() throws Exception {
        Path path = TestQcow2.create(dir, "vm.qcow2", "3M");
        QemuTools.io(path, "qcow2", "write -P 0x42 0 1M");
        String saved = hmp(path, "savevm fromqemu");
        assertFalse(saved.contains("Error"), saved);
        byte[] state;
        try (DiskImage image = TestQcow2.open(path, false)) {
            InternalSnapshots snapshots = image.internalSnapshots();
            SnapshotInfo info = snapshots.find("fromqemu").orElseThrow();
            assertEquals(-1, info.icount());
            assertTrue(info.vmStateSize() > STREAM_START.length, info.toString());
            snapshots.goTo("fromqemu");
            ByteBuffer buffer = ByteBuffer.allocate((int) info.vmStateSize());
            snapshots.readVmState(buffer, 0);
            state = buffer.array();
            byte[] start = new byte[STREAM_START.length];
            System.arraycopy(state, 0, start, 0, start.length);
            assertArrayEquals(STREAM_START, start, "QEMU's state is not where it was read from");

            image.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
            snapshots.writeVmState(ByteBuffer.wrap(state), 0);
            snapshots.create("frommodvm", state.length, Instant.now(), 0);
            snapshots.delete(snapshots.find("fromqemu").orElseThrow().id());
        }
        checkClean(path);
        String loaded = hmp(path, "loadvm frommodvm", "info snapshots");
        assertFalse(loaded.contains("Error"), loaded);
        assertTrue(loaded.contains("frommodvm"), loaded);
        checkClean(path);
    }
}

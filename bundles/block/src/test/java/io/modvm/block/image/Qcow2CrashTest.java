package io.modvm.block.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.testkit.QemuTools;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SIGKILL in the middle of writing: a child JVM runs {@link CrashWorkload} on a qcow2 image and is killed at a random
 * point. qemu-img check must then find no errors (leaked clusters are allowed, as after a QEMU crash), and every op
 * covered by a flush the child reported must read back as written.
 */
class Qcow2CrashTest {
    @TempDir
    Path dir;

    @BeforeEach
    void tools() {
        QemuTools.require();
    }

    @ParameterizedTest
    @CsvSource({"1, 65536, 65536", "2, 65536, 65536", "3, 512, 4096", "4, 512, 4096", "5, 4096, 8192", "6, 512, 65536"})
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void killedWriterLeavesAConsistentImage(long seed, int clusterSize, int slotSize) throws Exception {
        killAndVerify(seed, clusterSize, slotSize, false);
    }

    /**
     * The same with internal snapshots taken and deleted between the writes. A kill inside a snapshot operation may
     * leave a QCOW_OFLAG_COPIED flag out of step with its refcount, as it may in QEMU (the flag and the refcount live
     * in different clusters); {@code qemu-img check -r all} repairs that. Anything else (a refcount below its
     * references, a damaged table) and any lost write are failures.
     */
    @ParameterizedTest
    @CsvSource({"11, 65536, 65536", "12, 512, 4096", "13, 4096, 8192", "14, 65536, 4096"})
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void killedWriterTakingSnapshotsLosesNothing(long seed, int clusterSize, int slotSize) throws Exception {
        killAndVerify(seed, clusterSize, slotSize, true);
    }

    private void killAndVerify(long seed, int clusterSize, int slotSize, boolean snapshots) throws Exception {
        Path image = dir.resolve("crash.qcow2");
        QemuTools.img("create", "-f", "qcow2", "-o", "cluster_size=" + clusterSize, image.toString(),
                String.valueOf((long) CrashWorkload.OPS * slotSize));
        Random rnd = new Random(seed);
        int waitForFlushes = 1 + rnd.nextInt(200);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                CrashWorkload.class.getName(), image.toString(), Long.toString(seed), Integer.toString(slotSize),
                snapshots ? "snapshots" : "plain")).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int flushedUpTo = -1;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            int flushes = 0;
            String line;
            while (flushes < waitForFlushes && (line = out.readLine()) != null) {
                if (line.startsWith("flushed ")) {
                    flushedUpTo = Integer.parseInt(line.substring(8));
                    flushes++;
                }
            }
            // Let it run on a little, so that the kill lands inside a write rather than just after a flush.
            Thread.sleep(rnd.nextInt(5));
            child.destroyForcibly();
            child.waitFor();
        }
        assertTrue(flushedUpTo >= 0, "the writer never flushed");
        if (snapshots) {
            String report = QemuTools.run(List.of("/usr/bin/qemu-img", "check", image.toString()), 0, 2, 3);
            for (String line : report.split("\n")) {
                assertTrue(!line.startsWith("ERROR") || line.startsWith("ERROR OFLAG_COPIED"), report);
            }
            QemuTools.run(List.of("/usr/bin/qemu-img", "check", "-r", "all", image.toString()), 0);
            QemuTools.checkClean(image);
            if (flushedUpTo >= CrashWorkload.SNAPSHOT_EVERY) {
                String listing = QemuTools.img("snapshot", "-l", image.toString());
                assertTrue(listing.contains(" op"), "no snapshot survived: " + listing);
            }
        } else {
            QemuTools.check(image);
        }
        byte[] contents = QemuTools.contents(image, dir);
        CrashWorkload workload = new CrashWorkload(seed, slotSize);
        byte[][] expected = new byte[CrashWorkload.OPS][];
        for (int op = 0; op <= flushedUpTo; op++) {
            expected[CrashWorkload.slot(op)] = CrashWorkload.isDiscard(op) ? null : workload.data(op);
        }
        for (int slot = 0; slot < expected.length; slot++) {
            if (expected[slot] == null) {
                continue;
            }
            int at = slot * slotSize;
            byte[] actual = Arrays.copyOfRange(contents, at, at + expected[slot].length);
            String where = "slot " + slot + " (flushed up to op " + flushedUpTo + ")";
            int discardOp = slot + 3;
            if (discardOp > flushedUpTo && CrashWorkload.isDiscard(discardOp)) {
                // A discard issued after the last reported flush may have run, or been cut short, before the kill:
                // each of its clusters holds the data or reads as zero.
                for (int c = 0; c < actual.length; c += clusterSize) {
                    int end = Math.min(actual.length, c + clusterSize);
                    byte[] piece = Arrays.copyOfRange(actual, c, end);
                    if (!Arrays.equals(piece, new byte[piece.length])) {
                        assertArrayEquals(Arrays.copyOfRange(expected[slot], c, end), piece, where);
                    }
                }
            } else {
                assertArrayEquals(expected[slot], actual, where);
            }
        }
    }
}

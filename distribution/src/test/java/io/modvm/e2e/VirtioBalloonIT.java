package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * virtio-balloon-pci driven over QMP while a tiny guest (guests/virtio_balloon.c) follows num_pages: the guest
 * dirties 64 MiB, the test asks for 48 MiB back, the guest inflates with those pages, then the test gives them
 * back and the guest deflates.
 */
@Timeout(240)
class VirtioBalloonIT {
    private static final long MIB = 1024 * 1024;
    private static final long RAM = 256 * MIB;
    private static final long TAKEN = 48 * MIB;

    @TempDir
    Path dir;

    @BeforeEach
    void deviceInstalled() throws Exception {
        DeviceTypes.assertInstalled("virtio-balloon-pci");
    }

    /** What one inflate and deflate round showed. */
    private record Round(long rssBefore, long rssInflated, long actualInflated, long actualDeflated,
            String guest) {
    }

    private Round round() throws Exception {
        Path qmpSocket = dir.resolve("qmp.sock");
        try (ModvmProcess p = ModvmProcess.start("-m", Long.toString(RAM / MIB), "-kernel",
                Guests.build("virtio_balloon").toString(), "-append", "dirty_mb=64 hold", "-device",
                VirtioGuests.DEBUG_EXIT, "-device", "virtio-balloon-pci", "-qmp",
                "unix:" + qmpSocket + ",server,nowait")) {
            try (QmpTestClient qmp = QmpTestClient.connect(qmpSocket, p, VirtioGuests.RUN)) {
                qmp.negotiate();
                p.awaitOutput("balloon: ready", VirtioGuests.RUN);
                long before = rssKiB(p.pid());
                qmp.returned("balloon", Map.of("value", RAM - TAKEN));
                p.awaitOutput("balloon: inflated", VirtioGuests.RUN);
                long inflatedActual = actual(qmp);
                long inflatedRss = rssKiB(p.pid());

                qmp.returned("balloon", Map.of("value", RAM));
                p.awaitOutput("balloon: done", VirtioGuests.RUN);
                long deflatedActual = actual(qmp);
                p.type("q");
                assertEquals(Guests.status(0), p.waitFor(VirtioGuests.RUN), p.stdout() + p.stderr());
                return new Round(before, inflatedRss, inflatedActual, deflatedActual, p.stdout());
            }
        }
    }

    private static long actual(QmpTestClient qmp) throws Exception {
        Object info = qmp.returned("query-balloon");
        Object actual = info instanceof Map<?, ?> m ? m.get("actual") : null;
        assertInstanceOf(Long.class, actual, "query-balloon: " + info);
        return (Long) actual;
    }

    /** VmRSS of modvm's JVM (bin/modvm execs java, so the started process is the JVM). */
    private static long rssKiB(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmRSS in /proc/" + pid + "/status");
    }

    @Test
    void theGuestInflatesToTheTargetAndQueryBalloonFollows() throws Exception {
        Round r = round();
        long pages = TAKEN / 4096;
        assertTrue(r.guest().contains("balloon: inflated " + pages + " pages (num_pages " + pages + "), actual "
                + pages), r.guest());
        assertEquals(RAM - TAKEN, r.actualInflated(), "query-balloon actual after inflating");
    }

    @Test
    void inflatedPagesLeaveTheVmmsResidentMemory() throws Exception {
        Round r = round();
        // 48 MiB went into the balloon; allow half of it for what the JVM itself grows meanwhile.
        long droppedKiB = r.rssBefore() - r.rssInflated();
        assertTrue(droppedKiB >= TAKEN / 1024 / 2, "VmRSS " + r.rssBefore() + " kB before, " + r.rssInflated()
                + " kB after inflating by " + TAKEN / MIB + " MiB");
    }

    @Test
    void deflatingGivesThePagesBack() throws Exception {
        Round r = round();
        assertTrue(r.guest().contains("balloon: deflated to 0 pages, actual 0"), r.guest());
        assertEquals(RAM, r.actualDeflated(), "query-balloon actual after deflating");
    }
}

package io.modvm.e2e;

import static io.modvm.e2e.PatternGuest.SEEN;
import static io.modvm.e2e.PatternGuest.awaitListening;
import static io.modvm.e2e.PatternGuest.awaitMigration;
import static io.modvm.e2e.PatternGuest.freePort;
import static io.modvm.e2e.PatternGuest.hmp;
import static io.modvm.e2e.PatternGuest.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Block migration ({@code migrate -b}) between two modvm processes that do not share storage: the destination
 * starts with an empty image of the same size, and a tiny guest (guests/blk_verify_loop.c) writes, reads back and
 * compares every sector of its virtio disk, round after round, while it moves. The destination runs under
 * {@code -S}, so that nothing writes its image between the switch-over and the comparison: both images must then
 * be identical, and the guest goes on without error once it is let run.
 */
@Timeout(300)
class BlockMigrationIT {
    private static final int DISK = 512 << 10;
    private static final Pattern ROUND = Pattern.compile("blkloop: round (\\d+) ok");

    @TempDir
    Path dir;

    @Test
    void aGuestWritingItsDiskMovesWithItsDiskOverTcp() throws Exception {
        Path source = pattern(dir.resolve("src.img"));
        Path target = Files.write(dir.resolve("dst.img"), new byte[DISK]);
        moveLive(source, target, "migrate -b", () -> {
            String compare = qemuImg("compare", "-U", "-f", "raw", "-F", "raw", source.toString(),
                    target.toString());
            assertTrue(compare.contains("Images are identical"), compare);
        });
    }

    /**
     * The same guest without block migration, both processes on the one image (shared storage): the request the
     * guest waits for at the switch-over completes at the destination, whichever side served it.
     */
    @Test
    void aGuestWritingItsDiskMovesOverSharedStorage() throws Exception {
        Path image = pattern(dir.resolve("src.img"));
        moveLive(image, image, "migrate", () -> { });
    }

    /** What a test checks between the switch-over and the destination's first instruction. */
    @FunctionalInterface
    private interface AtTheSwitch {
        void check() throws Exception;
    }

    /**
     * Moves the guest from a source on {@code source} to a destination on {@code target} with the HMP command
     * {@code migrate} while it writes its disk; the destination waits under -S (so nothing writes its image) while
     * the source quits and {@code atTheSwitch} runs, then must go on two more rounds without an error.
     */
    private void moveLive(Path source, Path target, String migrate, AtTheSwitch atTheSwitch) throws Exception {
        String uri = "tcp:127.0.0.1:" + freePort();
        try (ModvmProcess dst = start("dst", target, "-incoming", uri, "-S");
                QmpTestClient d = QmpTestClient.connect(dir.resolve("dst.qmp"), dst, SEEN);
                ModvmProcess src = start("src", source);
                QmpTestClient c = QmpTestClient.connect(dir.resolve("src.qmp"), src, SEEN)) {
            d.negotiate();
            c.negotiate();
            awaitListening(d);
            src.awaitOutput("blkloop: round 2 ok", SEEN);
            hmp(c, migrate + " " + uri);
            Map<String, Object> info = awaitMigration(c);
            assertEquals("completed", info.get("status"), info + "\nsource stderr:\n" + src.stderr()
                    + "\ndestination stderr:\n" + dst.stderr());
            assertEquals("postmigrate", status(c));
            assertDiskFigures(info, migrate.contains("-b"), hmp(c, "info migrate"));
            int moved = lastRound(src.stdout());
            c.returned("quit");
            src.waitFor(SEEN);
            assertEquals("paused", status(d));
            atTheSwitch.check();
            d.returned("cont");
            dst.awaitOutput("blkloop: round " + (moved + 2) + " ok", SEEN);
            assertFalse(dst.stdout().contains("failed") || dst.stdout().contains("mismatch"), dst.stdout());
            d.returned("quit");
            dst.waitFor(SEEN);
        }
    }

    /**
     * query-migrate's {@code disk} (QEMU's MigrationInfo for a block migration): all of the disk sent, at least
     * once, nothing left; {@code info migrate} prints it in kbytes. Without -b there is no {@code disk}.
     */
    private static void assertDiskFigures(Map<String, Object> info, boolean blocks, String hmp) {
        if (!blocks) {
            assertFalse(info.containsKey("disk"), info.toString());
            assertFalse(hmp.contains("disk:"), hmp);
            return;
        }
        Map<?, ?> disk = (Map<?, ?>) info.get("disk");
        assertTrue(disk != null, info.toString());
        assertEquals((long) DISK, disk.get("total"), info.toString());
        assertEquals(0L, disk.get("remaining"), info.toString());
        assertTrue(((Number) disk.get("transferred")).longValue() >= DISK, info.toString());
        assertTrue(hmp.contains("total disk: " + DISK / 1024 + " kbytes"), hmp);
        assertTrue(hmp.contains("remaining disk: 0 kbytes"), hmp);
    }

    @Test
    void aDestinationWithADiskOfAnotherSizeRefusesAndTheSourceRunsOn() throws Exception {
        Path source = pattern(dir.resolve("src.img"));
        Path target = Files.write(dir.resolve("dst.img"), new byte[DISK * 2]);
        String uri = "tcp:127.0.0.1:" + freePort();
        try (ModvmProcess dst = start("dst", target, "-incoming", uri);
                QmpTestClient d = QmpTestClient.connect(dir.resolve("dst.qmp"), dst, SEEN);
                ModvmProcess src = start("src", source);
                QmpTestClient c = QmpTestClient.connect(dir.resolve("src.qmp"), src, SEEN)) {
            d.negotiate();
            c.negotiate();
            awaitListening(d);
            src.awaitOutput("blkloop: round 1 ok", SEEN);
            c.returned("migrate", Map.of("uri", uri, "blk", true));
            Map<String, Object> info = awaitMigration(c);
            assertEquals("failed", info.get("status"), info.toString());
            String why = String.valueOf(info.get("error-desc"));
            assertTrue(why.contains("disk d0 is " + DISK + " bytes there and " + 2 * DISK + " bytes here"), why);
            assertEquals("running", status(c));
            int rounds = lastRound(src.stdout());
            src.awaitOutput("blkloop: round " + (rounds + 1) + " ok", SEEN);
            assertTrue(dst.waitFor(SEEN) != 0, "the destination went on with a refused stream");
            assertTrue(dst.stderr().contains("disk d0"), dst.stderr());
        }
    }

    private ModvmProcess start(String name, Path image, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("-kernel", Guests.build("blk_verify_loop").toString(), "-m",
                "64", "-drive", "file=" + image + ",if=none,id=d0,format=raw", "-device",
                "virtio-blk-pci,drive=d0", "-qmp", "unix:" + dir.resolve(name + ".qmp") + ",server,nowait"));
        args.addAll(List.of(more));
        return ModvmProcess.start(args.toArray(String[]::new));
    }

    /** A source disk whose every byte is set, so that a chunk never sent shows as zeroes at the destination. */
    private static Path pattern(Path file) throws IOException {
        byte[] b = new byte[DISK];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 7 + 1);
        }
        return Files.write(file, b);
    }

    private static int lastRound(String out) {
        Matcher m = ROUND.matcher(out);
        int last = 0;
        while (m.find()) {
            last = Integer.parseInt(m.group(1));
        }
        return last;
    }

    private static String qemuImg(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("qemu-img"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}

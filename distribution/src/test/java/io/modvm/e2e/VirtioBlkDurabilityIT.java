package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of modvm while a guest writes and flushes in a loop: every write the guest saw acknowledged before a
 * completed FLUSH must be in the image afterwards, and a qcow2 image must pass {@code qemu-img check}.
 */
class VirtioBlkDurabilityIT {
    private static final int SECTORS = 512;
    private static final Pattern FLUSHED = Pattern.compile("flushed (\\d+) round (\\d+)");

    @ParameterizedTest
    @ValueSource(strings = {"raw", "qcow2"})
    @Timeout(300)
    void everyWriteCoveredByACompletedFlushSurvivesSigkill(String format, @TempDir Path dir) throws Exception {
        DiskImages.assumeQemuImg();
        Path image = dir.resolve("disk." + format);
        DiskImages.Result made = DiskImages.qemuImg("create", "-f", format, image.toString(),
                Integer.toString(SECTORS * 512));
        assertEquals(0, made.exit(), made.output());
        Path guest = Guests.build("virtio_blk_flushloop");
        try (ModvmProcess p = ModvmProcess.start("-nodefaults", "-serial", "stdio", "-kernel", guest.toString(),
                "-append", "batch=8", "-drive", "file=" + image + ",if=virtio,format=" + format)) {
            p.awaitOutput("round 3", Duration.ofMinutes(3));
            // Kill somewhere in the middle of round 3, not right at its first line.
            Thread.sleep(150);
            new ProcessBuilder("kill", "-KILL", Long.toString(p.pid())).start().waitFor();
            p.waitFor(Duration.ofSeconds(30));
            String out = p.stdout();
            Matcher m = FLUSHED.matcher(out);
            long flushedUpTo = -1;
            long round = -1;
            while (m.find()) {
                flushedUpTo = Long.parseLong(m.group(1));
                round = Long.parseLong(m.group(2));
            }
            assertTrue(round >= 3, out);

            if (format.equals("qcow2")) {
                DiskImages.Result check = DiskImages.qemuImg("check", image.toString());
                assertTrue(check.exit() == 0 || check.exit() == 3 && check.output().contains("No errors were found"),
                        "qemu-img check after SIGKILL (leaked clusters are allowed, errors are not):\n"
                                + check.output());
                Path raw = dir.resolve("converted.raw");
                DiskImages.Result converted = DiskImages.qemuImg("convert", "-O", "raw", image.toString(),
                        raw.toString());
                assertEquals(0, converted.exit(), converted.output());
                image = raw;
            }
            ByteBuffer disk = ByteBuffer.wrap(Files.readAllBytes(image)).order(ByteOrder.LITTLE_ENDIAN);
            for (int s = 0; s < SECTORS; s++) {
                int number = disk.getInt(s * 512);
                int written = disk.getInt(s * 512 + 4);
                long mustHave = s < flushedUpTo ? round : round - 1;
                assertTrue(number == s && written >= mustHave, String.format("sector %d holds (%d, round %d); the "
                        + "guest saw round %d flushed up to sector %d", s, number, written, round, flushedUpTo));
            }
        }
    }
}

package io.modvm.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs qemu-img and qemu-io, the reference implementation these tests check images against. Tests that need them
 * are skipped, with the reason printed, only where they are not installed.
 */
public final class QemuTools {
    private static final Path QEMU_IMG = Path.of("/usr/bin/qemu-img");
    private static final Path QEMU_IO = Path.of("/usr/bin/qemu-io");

    private QemuTools() {
    }

    /** Skips the calling test when qemu-img or qemu-io is missing. */
    public static void require() {
        boolean present = Files.isExecutable(QEMU_IMG) && Files.isExecutable(QEMU_IO);
        if (!present) {
            System.err.println("skipped: " + QEMU_IMG + " or " + QEMU_IO + " not installed (package qemu-utils)");
        }
        assumeTrue(present, "qemu-img/qemu-io not installed (package qemu-utils)");
    }

    /** Runs a command and returns its output; fails the test if it does not exit with one of {@code okStatus}. */
    public static String run(List<String> command, int... okStatus) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
        int status = p.exitValue();
        int[] ok = okStatus.length == 0 ? new int[] {0} : okStatus;
        assertTrue(Arrays.stream(ok).anyMatch(s -> s == status),
                String.join(" ", command) + " exited " + status + ":\n" + out);
        return out;
    }

    public static String img(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(QEMU_IMG.toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    /** Runs qemu-io commands (each a {@code -c} argument) on an image of the given format. */
    public static String io(Path image, String format, String... commands) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(QEMU_IO.toString(), "-f", format));
        for (String c : commands) {
            command.add("-c");
            command.add(c);
        }
        command.add(image.toString());
        String out = run(command);
        assertTrue(!out.contains("Pattern verification failed") && !out.contains("error"), out);
        return out;
    }

    /** qemu-img check must find no errors; leaked clusters are allowed, as QEMU allows them after a crash. */
    public static String check(Path image) throws IOException, InterruptedException {
        return run(List.of(QEMU_IMG.toString(), "check", image.toString()), 0, 3);
    }

    /** qemu-img check must find the image perfectly consistent: no errors and no leaked clusters. */
    public static String checkClean(Path image) throws IOException, InterruptedException {
        return run(List.of(QEMU_IMG.toString(), "check", image.toString()), 0);
    }

    /** The guest-visible contents of an image, as qemu-img reads them (through its backing chain). */
    public static byte[] contents(Path image, Path workDir) throws IOException, InterruptedException {
        Path raw = Files.createTempFile(workDir, "contents", ".raw");
        img("convert", "-O", "raw", image.toString(), raw.toString());
        byte[] bytes = Files.readAllBytes(raw);
        Files.delete(raw);
        return bytes;
    }

    /** Asserts that qemu-img reads exactly {@code expected} from the image. */
    public static void assertContents(byte[] expected, Path image, Path workDir)
            throws IOException, InterruptedException {
        byte[] actual = contents(image, workDir);
        assertTrue(actual.length >= expected.length, "image shorter than expected");
        assertArrayEquals(expected, Arrays.copyOf(actual, expected.length), "contents of " + image);
    }
}

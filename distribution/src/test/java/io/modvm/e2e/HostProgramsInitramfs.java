package io.modvm.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An initramfs made of the default guest's and, after it, the host's copies of some programs with the shared
 * libraries they load (as {@code ldd} lists them), so that a shell test can run a tool the busybox guest lacks.
 * The kernel unpacks concatenated cpio archives in order, the later adding to the earlier. Host and guest are both
 * x86-64 Linux, so the host's binaries run in the guest unchanged.
 */
final class HostProgramsInitramfs {
    private static final Pattern LIBRARY = Pattern.compile("(/\\S+) \\(0x");

    private HostProgramsInitramfs() {
    }

    /** Writes {@code out}: {@code base} followed by a cpio of {@code programs} (absolute paths) and their libraries. */
    static Path write(Path base, Path work, Path out, String... programs) throws IOException, InterruptedException {
        Path stage = Files.createDirectories(work.resolve("stage"));
        Files.createDirectories(stage.resolve("tmp"));
        Set<String> files = new LinkedHashSet<>();
        for (String program : programs) {
            files.add(program);
            Matcher m = LIBRARY.matcher(run(work, "ldd", program));
            while (m.find()) {
                files.add(m.group(1));
            }
        }
        for (String file : files) {
            Path to = stage.resolve(file.substring(1));
            Files.createDirectories(to.getParent());
            Files.copy(Path.of(file), to, StandardCopyOption.REPLACE_EXISTING);
        }
        Path extra = work.resolve("extra.cpio");
        List<String> names = new ArrayList<>(List.of("tmp"));
        try (var walk = Files.walk(stage)) {
            walk.filter(p -> !p.equals(stage) && !p.equals(stage.resolve("tmp")))
                    .forEach(p -> names.add(stage.relativize(p).toString()));
        }
        Process cpio = new ProcessBuilder("cpio", "--quiet", "-o", "-H", "newc", "-R", "0:0", "-O", extra.toString())
                .directory(stage.toFile()).redirectErrorStream(true).start();
        try (OutputStream list = cpio.getOutputStream()) {
            list.write((String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String said = new String(cpio.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!cpio.waitFor(60, TimeUnit.SECONDS) || cpio.exitValue() != 0) {
            throw new IOException("cpio failed: " + said);
        }
        Files.copy(base, out, StandardCopyOption.REPLACE_EXISTING);
        try (OutputStream o = Files.newOutputStream(out, StandardOpenOption.APPEND)) {
            Files.copy(extra, o);
        }
        return out;
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
        return out;
    }
}

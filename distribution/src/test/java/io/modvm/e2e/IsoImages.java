package io.modvm.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** ISO 9660 images made at test time with xorriso, El Torito bootable when given a boot image. */
final class IsoImages {
    private IsoImages() {
    }

    /** Skips the test, saying why, unless xorriso runs (tools/install-deps.sh installs it). */
    static void assumeXorriso() {
        boolean runs;
        try {
            Process p = new ProcessBuilder("xorriso", "-version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            runs = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            runs = false;
        }
        assumeTrue(runs, "xorriso is not installed (Debian package xorriso; tools/install-deps.sh installs it): "
                + "the CD-ROM tests build their ISO images with it");
    }

    /**
     * An ISO of the files in {@code content}; with {@code bootImage} (a path inside it) El Torito no-emulation
     * bootable from that image, as SeaBIOS boots a CD.
     */
    static Path make(Path iso, Path content, String bootImage) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("xorriso", "-as", "mkisofs", "-quiet", "-V", "MODVM",
                "-o", iso.toString()));
        if (bootImage != null) {
            cmd.addAll(List.of("-b", bootImage, "-no-emul-boot", "-boot-load-size", "4"));
        }
        cmd.add(content.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.isRegularFile(iso)) {
            throw new IOException("xorriso failed: " + cmd + "\n" + out);
        }
        return iso;
    }
}

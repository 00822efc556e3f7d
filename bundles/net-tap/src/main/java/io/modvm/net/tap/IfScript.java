package io.modvm.net.tap;

import io.modvm.api.device.DeviceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs a network script with the tap's name, as QEMU runs {@code /etc/qemu-ifup tap0}. */
final class IfScript {
    private static final long TIMEOUT_SECONDS = 60;

    private IfScript() {
    }

    static void run(Path script, String ifname) throws DeviceException {
        if (!Files.isExecutable(script)) {
            throw new DeviceException("could not launch network script " + script + ": "
                    + (Files.exists(script) ? "it is not executable" : "no such file")
                    + "; give script=no (and downscript=no) to set the tap up yourself");
        }
        Process p;
        String output;
        try {
            // The output goes to a file, not a pipe read here: reading a pipe to its end would wait as long as the
            // script, or a child it left behind holding the pipe, and the timeout would never apply.
            Path log = Files.createTempFile("modvm-ifscript", ".log");
            try {
                p = new ProcessBuilder(script.toString(), ifname).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                p.getOutputStream().close();
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new DeviceException("network script " + script + " " + ifname + " did not end within "
                            + TIMEOUT_SECONDS + " s");
                }
                output = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).strip();
            } finally {
                Files.deleteIfExists(log);
            }
            if (p.exitValue() != 0) {
                throw new DeviceException("network script " + script + " " + ifname + " failed with status "
                        + p.exitValue() + (output.isEmpty() ? "" : ": " + output.lines().findFirst().orElse("")));
            }
        } catch (IOException e) {
            throw new DeviceException("could not launch network script " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeviceException("network script " + script + " was interrupted", e);
        }
    }
}

package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console is raw whenever modvm's standard input is a terminal, wherever its output goes: with stdout piped
 * ({@code modvm | tee log}), Ctrl-A x quits without Enter and a typed line is not echoed by the terminal on top
 * of what the guest prints. script(1) gives modvm a terminal of its own; its output goes through a pipe to cat.
 */
@Timeout(120)
class ConsoleTerminalIT {
    private static final Duration RUN = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void stdinOnATerminalIsRawEvenWithStdoutPiped() throws Exception {
        Path status = dir.resolve("status");
        // The subshell keeps modvm's own status; the pipeline's would be cat's.
        String pipeline = "(" + ModvmProcess.home().resolve("bin/modvm") + " -smp 1 -kernel " + Guests.build("echo")
                + "; echo $? > " + status + ") | cat";
        Process script = new ProcessBuilder(List.of("script", "--quiet", "--flush", "--return", "--command",
                pipeline, "/dev/null")).redirectErrorStream(true).start();
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        Thread pump = ModvmProcess.pump(script.getInputStream(), terminal);
        try {
            awaitText(terminal, "ready", script);
            OutputStream keys = script.getOutputStream();
            keys.write("typed\r".getBytes(StandardCharsets.US_ASCII));
            keys.flush();
            awaitText(terminal, "got: typed (5 bytes)", script);
            // No Enter: a terminal left in line mode would hold these two keys back until one.
            keys.write("\u0001x".getBytes(StandardCharsets.US_ASCII));
            keys.flush();
            long deadline = System.nanoTime() + RUN.toNanos();
            while (!Files.exists(status) || Files.readString(status).isBlank()) {
                if (System.nanoTime() > deadline) {
                    fail("Ctrl-A x without Enter did not end modvm within " + RUN + "; the terminal showed:\n"
                            + text(terminal));
                }
                Thread.sleep(100);
            }
            assertEquals("0", Files.readString(status).strip(), text(terminal));
            script.waitFor();
            pump.join(10_000);
            String shown = text(terminal);
            assertTrue(shown.contains("terminated by Ctrl-A x"), shown);
            assertEquals(1, shown.split("typed", -1).length - 1,
                    "the typed line shows once, in the guest's answer, not echoed by the terminal:\n" + shown);
        } finally {
            script.descendants().forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly();
        }
    }

    private static String text(ByteArrayOutputStream sink) {
        synchronized (sink) {
            return sink.toString(StandardCharsets.UTF_8);
        }
    }

    private static void awaitText(ByteArrayOutputStream sink, String wanted, Process script) throws Exception {
        long deadline = System.nanoTime() + RUN.toNanos();
        while (!text(sink).contains(wanted)) {
            if (System.nanoTime() > deadline || !script.isAlive()) {
                fail("no '" + wanted + "' on the terminal within " + RUN + ":\n" + text(sink));
            }
            Thread.sleep(50);
        }
    }
}

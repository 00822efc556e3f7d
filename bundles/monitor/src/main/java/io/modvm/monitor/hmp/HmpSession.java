package io.modvm.monitor.hmp;

import io.modvm.monitor.command.QueryVersionCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One HMP console (a socket client, or stdio): QEMU's banner, then a {@code (qemu) } prompt before each line.
 * Lines are read whole; there is no line editing or echo (QEMU's readline), which a terminal or socat provides.
 */
public final class HmpSession {
    static final String PROMPT = "(qemu) ";

    private final HmpConsole console;

    public HmpSession(HmpConsole console) {
        this.console = console;
    }

    /** Serves the console until its input ends or its output fails. Closes neither stream. */
    public void serve(InputStream in, OutputStream out) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        write(out, QueryVersionCommand.banner() + "\r\n" + PROMPT);
        String line;
        while ((line = reader.readLine()) != null) {
            write(out, console.execute(line) + PROMPT);
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}

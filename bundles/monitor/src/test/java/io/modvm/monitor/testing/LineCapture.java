package io.modvm.monitor.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An output stream that cuts what is written into lines, each kept with its line end so tests can check CRLF. */
public final class LineCapture extends OutputStream {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    @Override
    public synchronized void write(int b) {
        pending.write(b);
        if (b == '\n') {
            lines.add(pending.toString(StandardCharsets.UTF_8));
            pending.reset();
        }
    }

    /** The next whole line without its line end, failing if it did not end with CRLF or never came. */
    public String nextLine() throws InterruptedException {
        String line = lines.poll(30, TimeUnit.SECONDS);
        assertNotNull(line, "no line came");
        assertTrue(line.endsWith("\r\n"), "not CRLF-terminated: " + line);
        return line.substring(0, line.length() - 2);
    }

    /** Whole lines written and not yet taken; writes are synchronous, so this is exact right after one returns. */
    public int waitingLines() {
        return lines.size();
    }

    /** What was written after the last line end. */
    public synchronized String partial() {
        return pending.toString(StandardCharsets.UTF_8);
    }
}

package io.modvm.migration.stream;

import io.modvm.api.migration.MigrationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The destination's one-line answers on a carrier's way back ({@link StreamFormat#OK} and the others). */
public final class AnswerReader {
    private static final int MAX_LINE = 4096;

    private final InputStream in;

    public AnswerReader(InputStream in) {
        this.in = in;
    }

    /**
     * Reads one answer and returns if it is {@code expected}; otherwise throws with {@code failure} and the
     * destination's reason.
     */
    public void expect(String expected, String failure) throws MigrationException {
        String line;
        try {
            line = readLine();
        } catch (IOException e) {
            throw new Silence(failure + ": the connection broke (" + e.getMessage() + ")", e);
        }
        if (line == null) {
            throw new Silence(failure + ": it closed the connection without a word (see its log)", null);
        }
        if (!line.equals(expected)) {
            int space = line.indexOf(' ');
            throw new MigrationException(failure + ": " + (space > 0 ? line.substring(space + 1) : line));
        }
    }

    /** No answer came: the other side went away without saying what it did. */
    public static final class Silence extends MigrationException {
        private static final long serialVersionUID = 1L;

        Silence(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private String readLine() throws IOException {
        byte[] buf = new byte[MAX_LINE];
        int n = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return n == 0 ? null : new String(buf, 0, n, StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                return new String(buf, 0, n, StandardCharsets.UTF_8);
            }
            if (n == MAX_LINE) {
                throw new IOException("an answer longer than " + MAX_LINE + " bytes");
            }
            buf[n++] = (byte) b;
        }
    }

    /** The destination's side: writes one answer line, {@code word} and an optional reason on one line. */
    public static void answer(OutputStream out, String word, String reason) throws IOException {
        String line = reason == null ? word : word + " " + reason.replace('\n', ' ');
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}

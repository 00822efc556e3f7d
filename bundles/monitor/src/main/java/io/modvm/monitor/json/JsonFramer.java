package io.modvm.monitor.json;

import java.io.IOException;
import java.io.Reader;

/**
 * Cuts a character stream into JSON messages the way QEMU's streamer does: by balancing brackets outside strings,
 * not by lines, so one message may span lines and one line may hold several. A bare top-level token ({@code 12},
 * {@code tru}, a stray {@code ]}) is a message of its own, so that the parser can say what is wrong with it.
 */
public final class JsonFramer {
    /** Far above any real QMP command; a client sending more is broken or hostile. */
    static final int MAX_MESSAGE = 1 << 20;

    private final Reader in;
    private int pushedBack = -1;

    public JsonFramer(Reader in) {
        this.in = in;
    }

    /**
     * The next message's text, or null at the end of the stream (an unfinished message there is dropped).
     *
     * @throws JsonException for a message too large or too deep; the rest of its line is skipped, so that the next
     *     call starts afresh
     */
    public String next() throws IOException, JsonException {
        StringBuilder buf = new StringBuilder();
        int depth = 0;
        boolean inString = false;
        boolean escape = false;
        boolean bare = false;
        while (true) {
            int c = read();
            if (c == -1) {
                return null;
            }
            char ch = (char) c;
            if (inString) {
                buf.append(ch);
                if (escape) {
                    escape = false;
                } else if (ch == '\\') {
                    escape = true;
                } else if (ch == '"') {
                    inString = false;
                    if (depth == 0) {
                        return buf.toString();
                    }
                }
            } else if (bare) {
                if (isWhitespace(ch)) {
                    return buf.toString();
                }
                if (isStructural(ch)) {
                    pushedBack = ch;
                    return buf.toString();
                }
                buf.append(ch);
            } else if (isWhitespace(ch)) {
                if (depth > 0) {
                    buf.append(ch);
                }
            } else {
                buf.append(ch);
                switch (ch) {
                    case '{', '[' -> {
                        if (++depth > JsonParser.MAX_DEPTH) {
                            throw overflow("nesting too deep");
                        }
                    }
                    case '}', ']' -> {
                        if (depth == 0 || --depth == 0) {
                            return buf.toString();
                        }
                    }
                    case '"' -> inString = true;
                    default -> {
                        if (depth == 0) {
                            if (ch == ',' || ch == ':') {
                                return buf.toString();
                            }
                            bare = true;
                        }
                    }
                }
            }
            if (buf.length() > MAX_MESSAGE) {
                throw overflow("message too large");
            }
        }
    }

    private JsonException overflow(String detail) throws IOException {
        int c;
        do {
            c = read();
        } while (c != -1 && c != '\n');
        return new JsonException(detail);
    }

    private int read() throws IOException {
        if (pushedBack >= 0) {
            int c = pushedBack;
            pushedBack = -1;
            return c;
        }
        return in.read();
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static boolean isStructural(char c) {
        return c == '{' || c == '}' || c == '[' || c == ']' || c == '"' || c == ',' || c == ':';
    }
}

package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.modvm.monitor.json.JsonException;
import io.modvm.monitor.json.JsonParser;
import io.modvm.monitor.json.JsonWriter;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The QMP client of the end-to-end tests, single-threaded: it sends a command with a fresh numeric id and reads
 * until the answer carrying that id, keeping the events it reads on the way; answers come back parsed. Every line it
 * reads must end with CRLF, as QEMU's do. JSON goes through the monitor bundle's codec, which parses QEMU's output as
 * well.
 */
final class QmpTestClient implements AutoCloseable {
    private final SocketChannel channel;
    private final InputStream in;
    private final Map<String, Object> greeting;
    private final List<Map<String, Object>> events = new ArrayList<>();
    private long nextId = 1;

    private QmpTestClient(SocketChannel channel) throws IOException, JsonException {
        this.channel = channel;
        this.in = new BufferedInputStream(Channels.newInputStream(channel));
        this.greeting = message(readLine());
    }

    /**
     * Connects once the VMM listens on {@code socket}, failing with {@code diagnostics} if the VMM dies or does
     * not listen within {@code timeout}.
     */
    static QmpTestClient connect(Path socket, Duration timeout, BooleanSupplier alive, Supplier<String> diagnostics)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (Files.exists(socket)) {
                try {
                    return new QmpTestClient(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
                } catch (IOException e) {
                    // not accepting yet
                }
            }
            if (!alive.getAsBoolean() || System.nanoTime() > deadline) {
                fail("no QMP server on " + socket + "\n" + diagnostics.get());
            }
            Thread.sleep(50);
        }
    }

    /**
     * Connects once modvm listens on {@code socket}, failing with modvm's output if it dies or does not listen within
     * {@code timeout}: modvm ships its monitor, so a -qmp socket that never appears is a bug.
     */
    static QmpTestClient connect(Path socket, ModvmProcess modvm, Duration timeout) throws Exception {
        return connect(socket, timeout, modvm::isAlive,
                () -> "stdout:\n" + modvm.stdout() + "\nstderr:\n" + modvm.stderr());
    }

    /** Leaves capabilities negotiation, as a client must before any other command; fails the test if refused. */
    void negotiate() throws Exception {
        returned("qmp_capabilities");
    }

    Map<String, Object> greeting() {
        return greeting;
    }

    /** Every event read so far, in order. */
    List<Map<String, Object>> events() {
        return List.copyOf(events);
    }

    Map<String, Object> execute(String command) throws Exception {
        return execute(command, null);
    }

    /** Sends {@code command} and returns its answer (a "return" or an "error" object, with our id). */
    Map<String, Object> execute(String command, Map<String, Object> arguments) throws Exception {
        long id = nextId++;
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("execute", command);
        if (arguments != null) {
            request.put("arguments", arguments);
        }
        request.put("id", id);
        ByteBuffer bytes = ByteBuffer.wrap((JsonWriter.write(request) + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        while (true) {
            String line = readLine();
            if (line == null) {
                fail("the VMM hung up before answering " + command);
            }
            Map<String, Object> m = message(line);
            if (m.containsKey("event")) {
                events.add(m);
            } else if (Long.valueOf(id).equals(m.get("id"))) {
                return m;
            } else {
                fail("answer to something else while waiting for " + command + ": " + line);
            }
        }
    }

    Object returned(String command) throws Exception {
        return returned(command, null);
    }

    /** Sends {@code command} and returns what it returned; an "error" answer fails the test. */
    Object returned(String command, Map<String, Object> arguments) throws Exception {
        Map<String, Object> answer = execute(command, arguments);
        assertTrue(answer.containsKey("return"), command + " failed: " + answer);
        return answer.get("return");
    }

    /**
     * Reads until the VMM closes the connection, keeping the events. A reset counts as the end: QEMU closes its
     * socket while exiting, and a close with unread input arrives as a reset.
     */
    void readToEnd() throws Exception {
        String line;
        try {
            while ((line = readLine()) != null) {
                Map<String, Object> m = message(line);
                if (m.containsKey("event")) {
                    events.add(m);
                }
            }
        } catch (java.net.SocketException e) {
            // the peer is gone: the end of the stream
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> message(String line) throws JsonException {
        return (Map<String, Object>) JsonParser.parse(line);
    }

    /** One line without its CRLF, or null at the end of the stream; a line ended by a bare LF fails the test. */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] raw = line.toByteArray();
                String text = new String(raw, StandardCharsets.UTF_8);
                assertEquals('\r', raw.length > 0 ? raw[raw.length - 1] : 0, "line not ended by CRLF: " + text);
                return text.substring(0, text.length() - 1);
            }
            line.write(b);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

package io.modvm.testkit.boot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A QMP client on modvm's unix socket, speaking the wire protocol as text: each command is a JSON object, each
 * answer and event one JSON line, returned as it came (parse it with the JSON library of your choice, or check it
 * with {@code contains}). The greeting is read and {@code qmp_capabilities} sent when it connects.
 */
public final class QmpClient implements AutoCloseable {
    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;
    private final List<String> events = new ArrayList<>();
    private final String greeting;

    private QmpClient(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
        this.greeting = in.readLine();
    }

    /** Connects to {@code socket}, retrying until {@code timeout} while modvm creates it, and negotiates. */
    static QmpClient connect(Path socket, Duration timeout, RunningModvm vm) throws IOException,
            InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                QmpClient c = new QmpClient(ch);
                String answer = c.execute("{\"execute\":\"qmp_capabilities\"}");
                if (!answer.contains("\"return\"")) {
                    c.close();
                    throw new IOException("qmp_capabilities was refused: " + answer);
                }
                return c;
            } catch (IOException e) {
                ch.close();
                if (System.nanoTime() > deadline || !vm.alive()) {
                    throw new IOException("no QMP on " + socket + " within " + timeout + " (" + e.getMessage()
                            + "); modvm's log:\n" + vm.errors(), e);
                }
                Thread.sleep(50);
            }
        }
    }

    /** The server's greeting line. */
    public String greeting() {
        return greeting;
    }

    /**
     * Sends {@code json}, one command such as {@code {"execute":"query-status"}}, and returns the answer line
     * (a {@code return} or an {@code error}); events read on the way are kept for {@link #events}.
     */
    public synchronized String execute(String json) throws IOException {
        out.write((json + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("modvm closed the QMP connection; it answered nothing to " + json);
            }
            if (line.startsWith("{\"event\"") || line.contains("\"event\":") && !line.contains("\"return\"")) {
                events.add(line);
                continue;
            }
            return line;
        }
    }

    /** {@code {"execute":"COMMAND","arguments":ARGUMENTS}}, arguments given as a JSON object. */
    public String execute(String command, String argumentsJson) throws IOException {
        return execute("{\"execute\":\"" + command + "\",\"arguments\":" + argumentsJson + "}");
    }

    /** The events read so far, as JSON lines, oldest first. */
    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

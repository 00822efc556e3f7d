package io.modvm.e2e;

import static org.junit.jupiter.api.Assumptions.abort;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A QMP client on a unix socket, speaking QEMU's wire protocol: read the greeting, send qmp_capabilities, then
 * one command at a time, each answered by a line with "return" or "error"; event lines in between are skipped.
 * Replies are kept as text: the tests look for fields in them.
 */
final class Qmp implements AutoCloseable {
    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;
    private final String greeting;

    private Qmp(SocketChannel channel) throws IOException {
        this.channel = channel;
        in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        out = Channels.newOutputStream(channel);
        greeting = in.readLine();
    }

    /**
     * Connects once modvm has made the socket, and negotiates capabilities. Skips the test if the socket never
     * appears: then modvm took -qmp but has no monitor installed to serve it.
     */
    static Qmp connect(Path socket, ModvmProcess modvm, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!Files.exists(socket)) {
            if (!modvm.isAlive() || System.nanoTime() > deadline) {
                abort("no QMP socket at " + socket + " within " + wait + " (is a monitor bundle installed?); stderr:\n"
                        + modvm.stderr());
            }
            Thread.sleep(50);
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        Qmp qmp = new Qmp(ch);
        if (qmp.greeting == null || !qmp.greeting.contains("\"QMP\"")) {
            throw new IOException("not a QMP greeting: " + qmp.greeting);
        }
        String caps = qmp.execute("{\"execute\":\"qmp_capabilities\"}");
        if (!caps.contains("\"return\"")) {
            throw new IOException("qmp_capabilities refused: " + caps);
        }
        return qmp;
    }

    /** Sends one command (a JSON object) and returns the reply line. */
    String execute(String json) throws IOException {
        out.write((json + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        for (;;) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("QMP connection closed while waiting for the reply to " + json);
            }
            if (line.contains("\"return\"") || line.contains("\"error\"")) {
                return line;
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

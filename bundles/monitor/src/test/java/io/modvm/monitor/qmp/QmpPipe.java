package io.modvm.monitor.qmp;

import io.modvm.monitor.json.JsonParser;
import io.modvm.monitor.testing.LineCapture;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A QMP client served over an in-memory pipe: the test writes requests and reads the lines the server sends. */
final class QmpPipe implements AutoCloseable {
    private final PipedOutputStream toServer = new PipedOutputStream();
    private final LineCapture fromServer = new LineCapture();
    private final Thread server;
    volatile Throwable failure;

    QmpPipe(QmpClient client) throws IOException {
        PipedInputStream serverInput = new PipedInputStream(toServer, 1 << 16);
        server = new Thread(() -> {
            try {
                client.serve(serverInput, fromServer);
            } catch (Throwable t) {
                failure = t;
            }
        }, "qmp-pipe");
        server.start();
    }

    void send(String text) throws IOException {
        toServer.write(text.getBytes(StandardCharsets.UTF_8));
        toServer.flush();
    }

    String line() throws InterruptedException {
        return fromServer.nextLine();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> json() throws Exception {
        return (Map<String, Object>) JsonParser.parse(line());
    }

    /** Ends the client's input and waits for the server side to finish. */
    @Override
    public void close() throws Exception {
        toServer.close();
        server.join(30_000);
    }

    int waitingLines() {
        return fromServer.waitingLines();
    }

    boolean serverFinished() {
        return !server.isAlive();
    }
}

package io.modvm.monitor.qmp;

import io.modvm.monitor.command.CommandTable;
import io.modvm.monitor.json.JsonException;
import io.modvm.monitor.json.JsonFramer;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Runs a {@link QmpSession} over a byte stream pair: greeting, then one response per framed message, each output
 * line ended by CRLF. Writes are serialised, since events arrive from other threads.
 */
public final class QmpClient {
    private final CommandTable commands;
    private final Map<String, Object> version;
    private final EventHub events;

    public QmpClient(CommandTable commands, Map<String, Object> version, EventHub events) {
        this.commands = commands;
        this.version = version;
        this.events = events;
    }

    /**
     * Serves one client until its input ends or its output fails; a command running then still completes, since
     * the machine must never see a half-done command because a client left. Closes neither stream.
     */
    public void serve(InputStream in, OutputStream out) throws IOException {
        LineSink sink = json -> {
            byte[] bytes = (json + "\r\n").getBytes(StandardCharsets.UTF_8);
            synchronized (out) {
                out.write(bytes);
                out.flush();
            }
        };
        QmpSession session = new QmpSession(commands, version, events, sink);
        try {
            session.greet();
            JsonFramer framer = new JsonFramer(new InputStreamReader(in, StandardCharsets.UTF_8));
            while (true) {
                String message;
                try {
                    message = framer.next();
                } catch (JsonException e) {
                    session.parseError(e);
                    continue;
                }
                if (message == null) {
                    return;
                }
                session.handle(message);
            }
        } finally {
            session.close();
        }
    }
}

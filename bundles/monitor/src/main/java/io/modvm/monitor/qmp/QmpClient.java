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
 * line ended by CRLF. Output goes through a {@link QueuedOutput}, since events arrive from other threads.
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
     * the machine must never see a half-done command because a client left. Each answer is written before the next
     * request is read. Closes the input only to cut off a client that stopped reading; never the output.
     */
    public void serve(InputStream in, OutputStream out) throws IOException {
        QueuedOutput output = new QueuedOutput(out, () -> closeQuietly(in));
        QmpSession session = new QmpSession(commands, version, events, output);
        try {
            session.greet();
            JsonFramer framer = new JsonFramer(new InputStreamReader(in, StandardCharsets.UTF_8));
            while (true) {
                String message;
                try {
                    message = framer.next();
                } catch (JsonException e) {
                    session.parseError(e);
                    output.awaitWritten();
                    continue;
                }
                if (message == null) {
                    return;
                }
                session.handle(message);
                output.awaitWritten();
            }
        } finally {
            session.close();
            output.close();
            drain(output);
        }
    }

    /** What is queued still goes out (the answer to quit, SHUTDOWN) unless the connection is already gone. */
    private static void drain(QueuedOutput output) {
        try {
            output.awaitWritten();
        } catch (IOException e) {
            // the client left first; nothing more can reach it
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // the connection is being dropped anyway
        }
    }
}

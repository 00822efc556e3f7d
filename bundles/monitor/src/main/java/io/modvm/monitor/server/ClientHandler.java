package io.modvm.monitor.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Serves one connected client (a QMP or HMP session) until its input ends. It never closes the output; closing the
 * input hangs up on the client.
 */
@FunctionalInterface
public interface ClientHandler {
    void serve(InputStream in, OutputStream out) throws IOException;
}

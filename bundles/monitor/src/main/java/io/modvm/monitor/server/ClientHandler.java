package io.modvm.monitor.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Serves one connected client (a QMP or HMP session) until its input ends; never closes the streams. */
@FunctionalInterface
public interface ClientHandler {
    void serve(InputStream in, OutputStream out) throws IOException;
}

package io.modvm.monitor.qmp;

import java.io.IOException;

/** Where a QMP session's output goes: one JSON text per call, which the sink ends with CRLF. */
@FunctionalInterface
public interface LineSink {
    void send(String json) throws IOException;

    /**
     * Sends {@code json}, then runs {@code after} before anything else can be sent through this sink: how a session
     * starts taking events right behind its negotiation answer, never ahead of it.
     */
    default void sendThen(String json, Runnable after) throws IOException {
        send(json);
        after.run();
    }
}

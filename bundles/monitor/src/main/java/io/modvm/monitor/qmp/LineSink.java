package io.modvm.monitor.qmp;

import java.io.IOException;

/** Where a QMP session's output goes: one JSON text per call, which the sink ends with CRLF. */
@FunctionalInterface
public interface LineSink {
    void send(String json) throws IOException;
}

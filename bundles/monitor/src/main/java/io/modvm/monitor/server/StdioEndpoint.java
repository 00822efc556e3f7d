package io.modvm.monitor.server;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A monitor on the process's standard streams ({@code -monitor stdio}, {@code -qmp stdio}). A thread blocked
 * reading standard input cannot be woken, so closing only detaches it: it is a daemon, and whatever it reads after
 * the close is dropped rather than run.
 */
public final class StdioEndpoint implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(StdioEndpoint.class);

    private volatile boolean closed;

    private StdioEndpoint() {
    }

    public static StdioEndpoint start(InputStream in, OutputStream out, ClientHandler handler) {
        StdioEndpoint endpoint = new StdioEndpoint();
        InputStream guarded = new InputStream() {
            @Override
            public int read() throws IOException {
                return endpoint.closed ? -1 : in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (endpoint.closed) {
                    return -1;
                }
                int n = in.read(b, off, len);
                return endpoint.closed ? -1 : n;
            }
        };
        Thread t = new Thread(() -> {
            try {
                handler.serve(guarded, out);
            } catch (IOException e) {
                LOG.debug("monitor on stdio ended: {}", e.toString());
            }
        }, "monitor-stdio");
        t.setDaemon(true);
        t.start();
        return endpoint;
    }

    @Override
    public void close() {
        closed = true;
    }
}

package io.modvm.monitor.server;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the endpoints one machine's command line names. An endpoint that cannot be opened is reported in one error
 * line naming the option and spec, and the others still open: a broken monitor must not stop a guest.
 */
public final class EndpointOpener {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointOpener.class);

    private final InputStream stdin;
    private final OutputStream stdout;
    private final List<Closeable> opened = new ArrayList<>();
    private boolean stdioTaken;

    /** @param stdin the process's standard input and output, for {@code stdio} endpoints */
    public EndpointOpener(InputStream stdin, OutputStream stdout) {
        this.stdin = stdin;
        this.stdout = stdout;
    }

    /**
     * Opens each of {@code specs}, given as the value of {@code -option}, served by {@code handler}.
     */
    public void open(String option, List<String> specs, ClientHandler handler) {
        for (String spec : specs) {
            try {
                EndpointSpec endpoint = EndpointSpec.parse(spec);
                switch (endpoint.kind()) {
                    case NONE -> {
                        // QEMU's way of asking for no monitor
                    }
                    case STDIO -> {
                        if (stdioTaken) {
                            throw new IllegalArgumentException("stdio already serves another monitor");
                        }
                        stdioTaken = true;
                        opened.add(StdioEndpoint.start(stdin, stdout, handler));
                    }
                    case UNIX -> {
                        opened.add(UnixSocketServer.open(endpoint.path(), handler));
                        if (endpoint.waitRequested()) {
                            LOG.warn("-{} {}: modvm does not wait for a client; the guest runs at once", option,
                                    spec);
                        }
                    }
                }
            } catch (IllegalArgumentException | IOException e) {
                LOG.error("-{} {}: {}", option, spec, e.getMessage());
            }
        }
    }

    /** Everything opened so far, to be closed when the machine goes. */
    public List<Closeable> opened() {
        return List.copyOf(opened);
    }
}

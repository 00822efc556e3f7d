package io.modvm.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP relay between a migration's source and its destination that passes the stream on untouched but lets only
 * the destination's first {@code answers} answer lines back (0: not even the OK to the description; 1: the OK, but
 * not DONE). The source then waits, deterministically, in the phase that expects the next answer (setup, or
 * stop-and-copy) for as long as the test likes: long enough to kill the destination there. When either side goes
 * away, the relay closes both, as a broken connection would look to each.
 */
final class AnswerHoldingRelay implements AutoCloseable {
    private final ServerSocket server;
    private final int destinationPort;
    private final int answers;
    private volatile Socket source;
    private volatile Socket destination;

    AnswerHoldingRelay(int destinationPort, int answers) throws IOException {
        this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        this.destinationPort = destinationPort;
        this.answers = answers;
        Thread t = new Thread(this::accept, "relay-accept");
        t.setDaemon(true);
        t.start();
    }

    /** The URI the source migrates to. */
    String uri() {
        return "tcp:127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        try {
            source = server.accept();
            destination = new Socket(InetAddress.getLoopbackAddress(), destinationPort);
            pump(source.getInputStream(), destination.getOutputStream(), Integer.MAX_VALUE);
            pump(destination.getInputStream(), source.getOutputStream(), answers);
        } catch (IOException e) {
            closeBoth();
        }
    }

    /** Copies {@code in} to {@code out}; after {@code lines} newlines it keeps reading but passes nothing on. */
    private void pump(InputStream in, OutputStream out, int lines) {
        Thread t = new Thread(() -> {
            int left = lines;
            byte[] buf = new byte[65536];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    int pass = 0;
                    while (pass < n && left > 0) {
                        if (buf[pass++] == '\n') {
                            left--;
                        }
                    }
                    out.write(buf, 0, pass);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away
            }
            closeBoth();
        }, "relay-pump");
        t.setDaemon(true);
        t.start();
    }

    private void closeBoth() {
        for (Socket s : new Socket[] {source, destination}) {
            try {
                if (s != null) {
                    s.close();
                }
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() throws IOException {
        closeBoth();
        server.close();
    }
}

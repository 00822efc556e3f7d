package io.modvm.monitor.server;

import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening unix socket; each client gets its own thread and the handler. A socket file left by a process that
 * died is replaced; one that a live process still answers on is not touched. Closing stops listening, ends each
 * client's input so that its session can finish writing (the last answer and events, such as SHUTDOWN, which the
 * machine sends as it ends) for up to {@value #CLOSE_GRACE_MILLIS} ms, hangs up, and deletes the socket file if it
 * is still the one this server made.
 */
public final class UnixSocketServer implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(UnixSocketServer.class);
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    static final long CLOSE_GRACE_MILLIS = 2000;

    private final Path path;
    private final ServerSocketChannel server;
    private final ClientHandler handler;
    private final Object fileKey;
    private final Map<SocketChannel, Thread> clients = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private UnixSocketServer(Path path, ServerSocketChannel server, ClientHandler handler) throws IOException {
        this.path = path;
        this.server = server;
        this.handler = handler;
        this.fileKey = fileKey(path);
    }

    /**
     * Listens on {@code path} and serves clients with {@code handler}.
     *
     * @throws IOException with a message fit for one line after the path: in use, not a socket, cannot bind
     */
    public static UnixSocketServer open(Path path, ClientHandler handler) throws IOException {
        removeStaleSocket(path);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot listen: " + e.getMessage() + "; check that the socket's folder exists "
                    + "and this user may write there, or give another path", e);
        }
        UnixSocketServer s = new UnixSocketServer(path, channel, handler);
        Thread acceptor = new Thread(s::acceptLoop, "monitor-accept " + path);
        acceptor.setDaemon(true);
        acceptor.start();
        return s;
    }

    private static void removeStaleSocket(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException("exists and is not a socket; not replacing it");
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            throw new IOException("in use: another process is listening on it");
        } catch (ConnectException e) {
            LOG.debug("replacing stale socket {}", path);
            Files.deleteIfExists(path);
        }
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("monitor socket {}: accept failed, no longer listening: {}", path, e.getMessage());
                }
                return;
            }
            Thread t = new Thread(() -> serve(client), "monitor-client " + path);
            t.setDaemon(true);
            clients.put(client, t);
            if (closed) {
                clients.remove(client);
                closeQuietly(client);
                return;
            }
            t.start();
        }
    }

    private void serve(SocketChannel client) {
        try {
            handler.serve(ChannelStreams.input(client), ChannelStreams.output(client));
        } catch (IOException e) {
            LOG.debug("monitor client on {} gone: {}", path, e.toString());
        } catch (RuntimeException e) {
            LOG.warn("monitor client on {} failed", path, e);
        } finally {
            clients.remove(client);
            closeQuietly(client);
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (SocketChannel c : clients.keySet()) {
            try {
                c.shutdownInput();
            } catch (IOException e) {
                closeQuietly(c);
            }
        }
        long deadline = System.nanoTime() + CLOSE_GRACE_MILLIS * 1_000_000;
        for (Thread t : clients.values()) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (t != Thread.currentThread() && left > 0) {
                try {
                    t.join(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        for (SocketChannel c : clients.keySet()) {
            closeQuietly(c);
        }
        try {
            if (fileKey != null && Objects.equals(fileKey, fileKey(path))) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.warn("monitor socket {}: not deleted: {}", path, e.getMessage());
        }
    }

    private static Object fileKey(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        return Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.debug("close: {}", e.toString());
        }
    }
}

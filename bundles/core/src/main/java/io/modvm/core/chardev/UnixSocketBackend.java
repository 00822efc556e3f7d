package io.modvm.core.chardev;

import io.modvm.api.backend.Backend;
import io.modvm.api.device.CharBackend;
import io.modvm.api.device.CharReceiver;
import io.modvm.api.device.DeviceException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A console on a unix socket that modvm listens on, as QEMU's {@code unix:PATH,server,nowait} chardev: one client
 * at a time (others wait in the backlog until it leaves), guest output to that client, its input to the device.
 * Output while no client is connected is dropped, as QEMU does with {@code nowait}; without {@code nowait} the
 * machine waits for the first client before it starts.
 *
 * <p>Threads: one accepts a client and reads from it, handing input to the device only as far as the device has
 * room, so a client that sends faster than the guest reads is slowed down by the socket, not buffered without
 * bound. Another writes output, so that {@link #write} (called on vCPU threads by a UART) never waits for a client;
 * what a client does not read in time is dropped beyond {@value #OUTPUT_LIMIT} bytes.
 */
public final class UnixSocketBackend implements CharBackend, Backend {
    private static final Logger LOG = LoggerFactory.getLogger(UnixSocketBackend.class);
    private static final int OUTPUT_LIMIT = 64 * 1024;
    private static final int READ_CHUNK = 4096;
    /** A receiver that says it has no room is asked again this often, in case its receiverReady() never comes. */
    private static final long ROOM_POLL_MILLIS = 200;
    /** S_IFMT and S_IFSOCK from stat(2), to tell a stale socket from a file the user would not want deleted. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final Path path;
    private final ServerSocketChannel server;
    private final Object lock = new Object();
    private final ArrayDeque<byte[]> output = new ArrayDeque<>();
    private int outputBytes;
    private boolean outputDropLogged;
    private SocketChannel client;
    private CharReceiver receiver;
    private boolean ready;
    private boolean closed;

    private UnixSocketBackend(Path path, ServerSocketChannel server) {
        this.path = path;
        this.server = server;
    }

    /**
     * Listens on {@code path}; with {@code wait}, returns only once the first client has connected (QEMU's
     * {@code server=on} without {@code wait=off}).
     *
     * @throws DeviceException with one line naming what was wrong: a missing folder, a path in use
     */
    public static UnixSocketBackend open(Path path, boolean wait) throws DeviceException {
        UnixSocketBackend backend = new UnixSocketBackend(path, listenOn(path));
        backend.start(wait);
        return backend;
    }

    @Override
    public String describe() {
        return "unix:" + path + ",server=on";
    }

    private static ServerSocketChannel listenOn(Path path) throws DeviceException {
        Path folder = path.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new DeviceException("cannot listen on unix socket '" + path + "': folder '" + folder
                    + "' does not exist; create it or give another path");
        }
        removeStaleSocket(path);
        ServerSocketChannel channel = null;
        try {
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(path));
            return channel;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new DeviceException("cannot listen on unix socket '" + path + "': " + e.getMessage()
                    + "; give another path");
        }
    }

    /** A socket file that no process listens on is left over from a run that died; bind would fail on it. */
    private static void removeStaleSocket(Path path) throws DeviceException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(path)) {
            throw new DeviceException("cannot listen on unix socket '" + path
                    + "': a file that is not a socket is there; remove it or give another path");
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            throw new DeviceException("unix socket '" + path + "' is in use by another process; stop it or give "
                    + "another path");
        } catch (IOException refused) {
            // Nothing listens: the file is stale.
        }
        try {
            Files.deleteIfExists(path);
            LOG.debug("removed stale unix socket {}", path);
        } catch (IOException e) {
            throw new DeviceException("cannot remove stale unix socket '" + path + "': " + e.getMessage());
        }
    }

    private static boolean isSocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & S_IFMT) == S_IFSOCK;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private void start(boolean waitForClient) throws DeviceException {
        SocketChannel first = null;
        if (waitForClient) {
            // Said at warn level because the default log level is warn and the user must know why nothing happens.
            LOG.warn("waiting for a client on unix socket {} (add ,nowait to start without one)", path);
            try {
                first = server.accept();
            } catch (IOException e) {
                close();
                throw new DeviceException("waiting for a client on unix socket '" + path + "' failed: "
                        + e.getMessage());
            }
        }
        SocketChannel initial = first;
        if (initial != null) {
            // The machine starts once open() returns: its first output must reach this client, not be dropped
            // because the reader thread has not taken the client yet.
            synchronized (lock) {
                client = initial;
            }
        }
        Thread reader = new Thread(() -> serve(initial), "unix-socket " + path);
        reader.setDaemon(true);
        reader.start();
        Thread writer = new Thread(this::writeLoop, "unix-socket " + path + " output");
        writer.setDaemon(true);
        writer.start();
    }

    // ---- input: accept a client, read from it while the device has room ----

    private void serve(SocketChannel first) {
        SocketChannel next = first;
        while (true) {
            SocketChannel c = next;
            next = null;
            if (c == null) {
                try {
                    c = server.accept();
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    LOG.warn("unix socket {}: accepting a client failed, the socket takes no more: {}", path,
                            e.getMessage());
                    return;
                }
            }
            synchronized (lock) {
                if (closed) {
                    closeQuietly(c);
                    return;
                }
                client = c;
                lock.notifyAll();
            }
            LOG.info("unix socket {}: client connected", path);
            readFrom(c);
            disconnect(c);
            LOG.info("unix socket {}: client left", path);
        }
    }

    private void readFrom(SocketChannel c) {
        ByteBuffer buffer = ByteBuffer.allocate(READ_CHUNK);
        try {
            while (true) {
                CharReceiver r = awaitRoom();
                if (r == null) {
                    return;
                }
                buffer.clear().limit(Math.min(READ_CHUNK, r.room()));
                if (c.read(buffer) < 0) {
                    return;
                }
                deliver(r, buffer.array(), buffer.position());
            }
        } catch (IOException e) {
            LOG.debug("unix socket {}: reading from the client failed", path, e);
        }
    }

    /** Waits until a receiver is attached and has room; returns null once the backend is closed. */
    private CharReceiver awaitRoom() {
        while (true) {
            CharReceiver r;
            synchronized (lock) {
                if (closed) {
                    return null;
                }
                r = receiver;
                ready = false;
            }
            // room() is asked without our lock: a device may hold its own lock when it calls receiverReady().
            if (r != null && r.room() > 0) {
                return r;
            }
            synchronized (lock) {
                if (!ready && !closed) {
                    try {
                        lock.wait(ROOM_POLL_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return null;
                    }
                }
            }
        }
    }

    private void deliver(CharReceiver r, byte[] data, int length) {
        if (length == 0) {
            return;
        }
        try {
            r.receive(data, 0, length);
        } catch (RuntimeException e) {
            // A device bug must not end the client's input for good.
            LOG.error("unix socket {}: the device failed on input; {} byte(s) dropped", path, length, e);
        }
    }

    private void disconnect(SocketChannel c) {
        synchronized (lock) {
            if (client == c) {
                client = null;
                output.clear();
                outputBytes = 0;
            }
        }
        closeQuietly(c);
    }

    // ---- output: queued by any thread, written by the output thread ----

    @Override
    public void write(byte[] data, int offset, int length) {
        synchronized (lock) {
            if (client == null || closed || length <= 0) {
                return;
            }
            if (outputBytes + length > OUTPUT_LIMIT) {
                if (!outputDropLogged) {
                    outputDropLogged = true;
                    LOG.warn("unix socket {}: the client does not read; guest output is dropped", path);
                }
                return;
            }
            output.add(Arrays.copyOfRange(data, offset, offset + length));
            outputBytes += length;
            lock.notifyAll();
        }
    }

    private void writeLoop() {
        while (true) {
            byte[] chunk;
            SocketChannel c;
            synchronized (lock) {
                while (output.isEmpty() && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                chunk = output.poll();
                outputBytes -= chunk.length;
                c = client;
            }
            if (c == null) {
                continue;
            }
            try {
                ByteBuffer buffer = ByteBuffer.wrap(chunk);
                while (buffer.hasRemaining()) {
                    c.write(buffer);
                }
                synchronized (lock) {
                    outputDropLogged = false;
                }
            } catch (IOException e) {
                LOG.debug("unix socket {}: writing to the client failed", path, e);
                disconnect(c);
            }
        }
    }

    @Override
    public void attach(CharReceiver r) {
        synchronized (lock) {
            receiver = r;
            ready = true;
            lock.notifyAll();
        }
    }

    @Override
    public void receiverReady() {
        synchronized (lock) {
            ready = true;
            lock.notifyAll();
        }
    }

    /** Stops both threads, drops the client and removes the socket file, as QEMU does when it exits. */
    @Override
    public void close() {
        SocketChannel c;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            c = client;
            client = null;
            lock.notifyAll();
        }
        closeQuietly(server);
        closeQuietly(c);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.debug("removing unix socket {} failed", path, e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing a unix socket channel failed", e);
        }
    }
}

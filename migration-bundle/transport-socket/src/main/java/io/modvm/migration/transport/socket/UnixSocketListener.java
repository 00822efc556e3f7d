package io.modvm.migration.transport.socket;

import com.sun.jna.LastErrorException;
import io.modvm.api.migration.MigrationChannel;
import io.modvm.api.migration.MigrationException;
import io.modvm.api.migration.MigrationListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A bound, listening unix socket, through libc like {@link UnixSocketChannel}; the first source to connect gets the
 * stream, and the socket and its file go then.
 */
final class UnixSocketListener implements MigrationListener {
    private final int fd;
    private final String description;
    private final Path socketFile;
    private volatile boolean closed;

    UnixSocketListener(int fd, String description, Path socketFile) {
        this.fd = fd;
        this.description = description;
        this.socketFile = socketFile;
    }

    @Override
    public MigrationChannel accept() throws MigrationException {
        while (true) {
            try {
                int peer = Libc.accept4(fd, null, null, Libc.SOCK_CLOEXEC);
                close();
                return new UnixSocketChannel(peer, description);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Libc.EINTR && !closed) {
                    continue;
                }
                throw new MigrationException(description + ": stopped waiting for the source ("
                        + (closed ? "closed" : Libc.describe(e.getErrorCode())) + ")", e);
            }
        }
    }

    @Override
    public String describe() {
        return description;
    }

    /** Wakes a thread waiting in accept (shutdown), closes the socket and removes its file. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Libc.shutdown(fd, Libc.SHUT_RDWR);
        } catch (LastErrorException e) {
            // nothing waits on it
        }
        Libc.closeQuietly(fd);
        try {
            Files.deleteIfExists(socketFile);
        } catch (IOException e) {
            // a socket file left behind is replaced by the next listener
        }
    }
}

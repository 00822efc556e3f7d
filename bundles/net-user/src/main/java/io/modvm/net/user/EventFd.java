package io.modvm.net.user;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

/**
 * A non-blocking eventfd: one thread signals it, another polls its descriptor together with others (a socket, the
 * NIC's kick) and drains it when it wakes.
 */
final class EventFd implements AutoCloseable {
    private final int fd;
    private final Memory one = new Memory(8);
    private final Memory drained = new Memory(8);
    private volatile boolean closed;

    EventFd() {
        fd = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        one.setLong(0, 1);
    }

    int fd() {
        return fd;
    }

    /** Makes the descriptor readable until {@link #drain}. */
    void signal() {
        if (closed) {
            return;
        }
        try {
            Libc.write(fd, one, 8);
        } catch (LastErrorException e) {
            // EAGAIN: the counter is at its maximum, so the descriptor is readable already
        }
    }

    /** Takes the counter back to zero, so that the next poll waits for the next signal. */
    void drain() {
        if (closed) {
            return;
        }
        try {
            Libc.read(fd, drained, 8);
        } catch (LastErrorException e) {
            // EAGAIN: nothing was signalled
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Libc.close(fd);
        } catch (LastErrorException ignored) {
            // nothing holds it any more
        }
    }
}

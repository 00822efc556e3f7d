package io.modvm.net.vhost.user;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.modvm.net.vhost.rings.Libc;

/**
 * The eventfds a back-end signals when it meets an error on a ring (SET_VRING_ERR), and the wait that watches them
 * together with the connection: the back-end hanging up, or reporting an error, is what the NIC must hear of.
 */
final class RingErrors implements AutoCloseable {
    private final int[] rings;
    private final int[] fds;

    /** One eventfd for each of {@code rings}. */
    RingErrors(int[] rings) {
        this.rings = rings.clone();
        this.fds = new int[rings.length];
        java.util.Arrays.fill(fds, -1);
        for (int i = 0; i < rings.length; i++) {
            try {
                fds[i] = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
            } catch (LastErrorException e) {
                fds[i] = -1;
            }
        }
    }

    static RingErrors none() {
        return new RingErrors(new int[0]);
    }

    int ring(int i) {
        return rings[i];
    }

    int fd(int i) {
        return fds[i];
    }

    int count() {
        return rings.length;
    }

    /** What one wait saw. */
    record Seen(boolean hangUp, int[] failedRings) {
    }

    /**
     * Waits up to {@code timeoutMillis} for {@code socketFd} to be hung up or an error to be signalled; an error
     * signal is taken off its eventfd.
     */
    Seen await(int socketFd, int timeoutMillis) {
        int n = 1 + rings.length;
        try (Memory pollfds = new Memory(8L * n); Memory value = new Memory(8)) {
            pollfds.clear();
            pollfds.setInt(0, socketFd);
            pollfds.setShort(4, Libc.POLLRDHUP);
            for (int i = 0; i < rings.length; i++) {
                pollfds.setInt(8L * (i + 1), fds[i]);
                pollfds.setShort(8L * (i + 1) + 4, Libc.POLLIN);
            }
            try {
                Libc.poll(pollfds, n, timeoutMillis);
            } catch (LastErrorException e) {
                return new Seen(false, new int[0]);
            }
            boolean hangUp = (pollfds.getShort(6) & (Libc.POLLRDHUP | Libc.POLLHUP | Libc.POLLERR)) != 0;
            java.util.List<Integer> failed = new java.util.ArrayList<>();
            for (int i = 0; i < rings.length; i++) {
                if ((pollfds.getShort(8L * (i + 1) + 6) & Libc.POLLIN) != 0) {
                    try {
                        Libc.read(fds[i], value, 8);
                    } catch (LastErrorException ignored) {
                        // already taken
                    }
                    failed.add(rings[i]);
                }
            }
            return new Seen(hangUp, failed.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    @Override
    public void close() {
        for (int fd : fds) {
            Libc.closeQuietly(fd);
        }
    }
}

package io.modvm.net.user;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that drives one {@link SlirpStack}, as QEMU's main loop does: it asks libslirp which sockets to poll
 * and for how long (under the lock), polls them and the stack's wake-up descriptor (without it, so that the NIC's
 * threads can give frames meanwhile), then lets libslirp serve the ready sockets and fire its timers (under the lock
 * again). A frame from the guest or a call from libslirp wakes it, so that a socket opened meanwhile is polled at
 * once.
 */
final class SlirpPollLoop {
    private static final Logger LOG = LoggerFactory.getLogger(SlirpPollLoop.class);
    /** The longest sleep: libslirp asks for at most a second itself. */
    private static final int MAX_WAIT_MILLIS = 1000;
    /** libslirp's SLIRP_POLL_* bits (column 0) and poll(2)'s (column 1), which differ in order. */
    private static final int[][] EVENTS = {{SlirpLib.POLL_IN, Libc.POLLIN}, {SlirpLib.POLL_OUT, Libc.POLLOUT},
        {SlirpLib.POLL_PRI, Libc.POLLPRI}, {SlirpLib.POLL_ERR, Libc.POLLERR}, {SlirpLib.POLL_HUP, Libc.POLLHUP}};

    private final String name;
    private final SlirpStack stack;
    private final Memory timeout = new Memory(4);
    // Held as fields: the native trampolines live as long as the objects.
    private final SlirpCallbacks.AddPoll addPoll = (fd, events, opaque) -> add(fd, toPoll(events));
    private final SlirpCallbacks.GetRevents getRevents = (index, opaque) -> revents(index);
    private Memory pollfds = new Memory(64L * Libc.POLLFD_SIZE);
    private int count;
    private Thread thread;
    private volatile boolean running;

    SlirpPollLoop(String name, SlirpStack stack) {
        this.name = name;
        this.stack = stack;
    }

    void start() {
        running = true;
        thread = new Thread(this::loop, "modvm-slirp-" + name.replace(' ', '-'));
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops the thread and waits for it. Safe to call more than once. */
    void stop() {
        running = false;
        Thread t = thread;
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        stack.loopWake().signal();
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        thread = null;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        try {
            while (running) {
                count = 0;
                add(stack.loopWake().fd(), Libc.POLLIN);
                timeout.setInt(0, MAX_WAIT_MILLIS);
                if (!stack.fill(timeout, addPoll)) {
                    return;
                }
                boolean failed = false;
                try {
                    Libc.poll(pollfds, count, (int) Math.min(MAX_WAIT_MILLIS,
                            Integer.toUnsignedLong(timeout.getInt(0))));
                } catch (LastErrorException e) {
                    failed = true; // EINTR, or a socket that went away meanwhile: libslirp polls again
                }
                if (pollfds.getShort(6) != 0) {
                    stack.loopWake().drain();
                }
                if (running) {
                    stack.dispatch(failed, getRevents);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("{}: the user-mode network stopped: its poll loop failed", name, e);
        }
    }

    /** add_poll: appends a pollfd and returns its index; the first, index 0, is the wake-up descriptor. */
    private int add(int fd, short events) {
        if ((long) (count + 1) * Libc.POLLFD_SIZE > pollfds.size()) {
            Memory bigger = new Memory(pollfds.size() * 2);
            bigger.write(0, pollfds.getByteArray(0, count * Libc.POLLFD_SIZE), 0, count * Libc.POLLFD_SIZE);
            pollfds = bigger;
        }
        long at = (long) count * Libc.POLLFD_SIZE;
        pollfds.setInt(at, fd);
        pollfds.setShort(at + 4, events);
        pollfds.setShort(at + 6, (short) 0);
        return count++;
    }

    /** get_revents: what poll found on the socket at {@code index}; none for an index libslirp did not get. */
    private int revents(int index) {
        if (index <= 0 || index >= count) {
            return 0;
        }
        return translate(pollfds.getShort((long) index * Libc.POLLFD_SIZE + 6), 1, 0);
    }

    private static short toPoll(int events) {
        return (short) translate(events, 0, 1);
    }

    private static int translate(int bits, int from, int to) {
        int out = 0;
        for (int[] pair : EVENTS) {
            if ((bits & pair[from]) != 0) {
                out |= pair[to];
            }
        }
        return out;
    }
}

package io.modvm.accel.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.modvm.api.accel.EventNotifier;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * An eventfd. Waiters and signallers hold the read lock while they use the descriptor, so that {@link #close()}
 * can wake waiters and wait for everyone to leave before the descriptor number is released and possibly reused.
 */
class EventFd implements EventNotifier {
    private final int fd;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Consumer<EventFd> onClose;
    private volatile boolean closed;

    EventFd(Consumer<EventFd> onClose) throws LastErrorException {
        this.fd = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        this.onClose = onClose;
    }

    @Override
    public int fd() {
        return fd;
    }

    @Override
    public void signal() {
        lock.readLock().lock();
        try {
            if (!closed) {
                add(fd);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Writes 1 to the counter; the caller makes sure the descriptor is still ours. */
    private static void add(int fd) {
        try (Memory one = new Memory(8)) {
            one.setLong(0, 1);
            LibC.write(fd, one, 8);
        } catch (LastErrorException e) {
            // EAGAIN means the counter is saturated: the waiter is already due to wake.
        }
    }

    @Override
    public long await(long timeoutMillis) {
        lock.readLock().lock();
        try (Memory pollfd = new Memory(8); Memory value = new Memory(8)) {
            if (closed) {
                return 0;
            }
            pollfd.setInt(0, fd);
            pollfd.setShort(4, (short) LibC.POLLIN);
            pollfd.setShort(6, (short) 0);
            try {
                if (LibC.poll(pollfd, 1, (int) Math.min(Integer.MAX_VALUE, timeoutMillis)) <= 0 || closed) {
                    return 0;
                }
                LibC.read(fd, value, 8);
                return value.getLong(0);
            } catch (LastErrorException e) {
                return 0;
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // Wake a waiter in poll() so that it leaves and lets go of the read lock.
        add(fd);
        lock.writeLock().lock();
        try {
            onClose.accept(this);
            LibC.close(fd);
        } catch (LastErrorException e) {
            // Nothing to recover: the descriptor is gone either way.
        } finally {
            lock.writeLock().unlock();
        }
    }
}

package io.modvm.virtio.testing;

import io.modvm.api.accel.EventNotifier;

/**
 * An eventfd on the heap, standing in for a queue's ioeventfd: {@link #signal()} raises a counter that
 * {@link #await} takes. Once closed it behaves as the KVM eventfd does: signals are dropped and await returns 0.
 */
public final class FakeNotifier implements EventNotifier {
    private final int fd;
    private long count;
    private boolean closed;

    public FakeNotifier() {
        this(-1);
    }

    /** A notifier that names {@code fd} as its descriptor, for code that hands descriptors on (vhost). */
    public FakeNotifier(int fd) {
        this.fd = fd;
    }

    @Override
    public int fd() {
        return fd;
    }

    @Override
    public synchronized void signal() {
        if (!closed) {
            count++;
            notifyAll();
        }
    }

    @Override
    public synchronized long await(long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (count == 0 && !closed) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return 0;
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
        if (closed) {
            return 0;
        }
        long n = count;
        count = 0;
        return n;
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}

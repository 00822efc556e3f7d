package io.modvm.virtio.console;

import io.modvm.api.accel.EventNotifier;

/** An in-process eventfd: a counter that {@link #signal()} raises and {@link #await} takes. */
final class TestNotifier implements EventNotifier {
    private long count;
    private boolean closed;

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

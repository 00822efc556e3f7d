package io.modvm.virtio.balloon;

import io.modvm.api.accel.EventNotifier;

/** An eventfd on the heap: the driver's kicks in the tests. */
final class FakeNotifier implements EventNotifier {
    private long count;
    private boolean closed;

    @Override
    public synchronized void signal() {
        count++;
        notifyAll();
    }

    @Override
    public synchronized long await(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (count == 0 && !closed) {
            long left = deadline - System.currentTimeMillis();
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

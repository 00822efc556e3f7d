package io.modvm.devices.emulated.testing;

import io.modvm.api.accel.EventNotifier;

/** An {@link EventNotifier} in plain Java, without a descriptor: a waiter on a backend polls it between short waits. */
public final class FakeNotifier implements EventNotifier {
    private long count;
    private boolean closed;

    @Override
    public synchronized void signal() {
        count++;
        notifyAll();
    }

    @Override
    public synchronized long await(long timeoutMillis) {
        long end = System.nanoTime() + timeoutMillis * 1_000_000;
        while (count == 0 && !closed) {
            long left = (end - System.nanoTime()) / 1_000_000;
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
        long c = count;
        count = 0;
        return c;
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}

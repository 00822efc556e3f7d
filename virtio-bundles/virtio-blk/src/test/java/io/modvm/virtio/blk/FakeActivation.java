package io.modvm.virtio.blk;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.memory.GuestMemory;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.queue.SplitVirtqueue;
import java.util.ArrayList;
import java.util.List;

/** What the transport hands the device at DRIVER_OK, recorded: interrupts counted, reset requests kept. */
final class FakeActivation implements VirtioActivation {
    private final GuestMemory memory;
    private final long features;
    private final SplitVirtqueue queue;
    private final FakeNotifier kicks = new FakeNotifier();
    private final List<String> resets = new ArrayList<>();
    private int interrupts;

    FakeActivation(GuestMemory memory, long features, SplitVirtqueue queue) {
        this.memory = memory;
        this.features = features;
        this.queue = queue;
    }

    @Override
    public GuestMemory memory() {
        return memory;
    }

    @Override
    public long features() {
        return features;
    }

    @Override
    public SplitVirtqueue queue(int index) {
        return index == 0 ? queue : null;
    }

    @Override
    public EventNotifier kicks(int index) {
        return index == 0 ? kicks : null;
    }

    FakeNotifier kicks() {
        return kicks;
    }

    @Override
    public synchronized void interruptQueue(int index) {
        interrupts++;
    }

    synchronized int interrupts() {
        return interrupts;
    }

    @Override
    public void interruptConfig() {
    }

    @Override
    public synchronized void needsReset(String reason) {
        resets.add(reason);
    }

    synchronized List<String> resets() {
        return List.copyOf(resets);
    }

    /** An eventfd stand-in. */
    static final class FakeNotifier implements EventNotifier {
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
}

package io.modvm.virtio.testing;

import io.modvm.api.memory.GuestMemory;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.VirtqueueException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * What the transport hands a device at DRIVER_OK, for tests that drive the device without one: the queues the test
 * enabled, each with a {@link FakeNotifier} for its kicks, and a record of the interrupts and reset requests the
 * device made. Device threads and the test's thread may use it at once.
 */
public final class FakeActivation implements VirtioActivation {
    private final GuestMemory memory;
    private final long features;
    private final Map<Integer, SplitVirtqueue> queues = new HashMap<>();
    private final Map<Integer, FakeNotifier> kicks = new HashMap<>();
    private final Map<Integer, Integer> interrupts = new HashMap<>();
    private final List<String> resetRequests = new ArrayList<>();
    private int configInterrupts;
    private final Map<Integer, FakeNotifier> calls = new HashMap<>();
    private IntConsumer vectorListener;

    /** An activation with {@code features} agreed and queue i enabled as {@code queues[i]} (null: not enabled). */
    public FakeActivation(GuestMemory memory, long features, SplitVirtqueue... queues) {
        this.memory = memory;
        this.features = features;
        for (int i = 0; i < queues.length; i++) {
            if (queues[i] != null) {
                enable(i, queues[i]);
            }
        }
    }

    /** Enables queue {@code index} as {@code queue}. */
    public synchronized FakeActivation enable(int index, SplitVirtqueue queue) {
        queues.put(index, queue);
        kicks.put(index, new FakeNotifier());
        return this;
    }

    /** Enables queue {@code index} as {@code driver} laid it out. */
    public FakeActivation enable(int index, TestDriver driver) throws VirtqueueException {
        return enable(index, SplitVirtqueue.create(memory, driver.config()));
    }

    /**
     * Gives queue {@code index} a kick notifier named by descriptor {@code kickFd} and a call notifier named by
     * {@code callFd} (-1: no vector), as the transport's ioeventfd and irqfd, for a hand-over to vhost.
     */
    public synchronized FakeActivation describe(int index, int kickFd, int callFd) {
        kicks.put(index, new FakeNotifier(kickFd));
        if (callFd >= 0) {
            calls.put(index, new FakeNotifier(callFd));
        } else {
            calls.remove(index);
        }
        return this;
    }

    /** The driver moved queue {@code index} to another vector, now named by {@code callFd}. */
    public void moveVector(int index, int callFd) {
        IntConsumer l;
        synchronized (this) {
            describe(index, kicks.get(index).fd(), callFd);
            l = vectorListener;
        }
        if (l != null) {
            l.accept(index);
        }
    }

    @Override
    public synchronized FakeNotifier callNotifier(int index) {
        return calls.get(index);
    }

    @Override
    public synchronized void onVectorChange(IntConsumer listener) {
        vectorListener = listener;
    }

    /** The driver's kick of queue {@code index}. */
    public void kick(int index) {
        kicks(index).signal();
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
    public synchronized SplitVirtqueue queue(int index) {
        return queues.get(index);
    }

    @Override
    public synchronized FakeNotifier kicks(int index) {
        return kicks.get(index);
    }

    @Override
    public synchronized void interruptQueue(int index) {
        interrupts.merge(index, 1, Integer::sum);
    }

    @Override
    public synchronized void interruptConfig() {
        configInterrupts++;
    }

    @Override
    public synchronized void needsReset(String reason) {
        resetRequests.add(reason);
    }

    /** Interrupts the device raised for queue {@code index}. */
    public synchronized int interrupts(int index) {
        return interrupts.getOrDefault(index, 0);
    }

    public synchronized int configInterrupts() {
        return configInterrupts;
    }

    /** The reasons of every {@link #needsReset} so far, in order. */
    public synchronized List<String> resetRequests() {
        return new ArrayList<>(resetRequests);
    }
}

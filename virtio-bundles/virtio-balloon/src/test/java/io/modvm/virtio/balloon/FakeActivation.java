package io.modvm.virtio.balloon;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.memory.GuestMemory;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.VirtqueueException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The transport's side of an activation, for tests: the queues a {@link TestDriver} laid out, heap kicks, and a
 * record of the interrupts and reset requests the device made.
 */
final class FakeActivation implements VirtioActivation {
    private final GuestMemory memory;
    private final long features;
    private final Map<Integer, SplitVirtqueue> queues = new HashMap<>();
    private final Map<Integer, FakeNotifier> kicks = new HashMap<>();
    private final Map<Integer, Integer> interrupts = new HashMap<>();
    private final List<String> resets = new ArrayList<>();
    private int configInterrupts;

    FakeActivation(GuestMemory memory, long features) {
        this.memory = memory;
        this.features = features;
    }

    /** Enables queue {@code index} as {@code driver} laid it out. */
    FakeActivation enable(int index, TestDriver driver) throws VirtqueueException {
        queues.put(index, SplitVirtqueue.create(memory, driver.config()));
        kicks.put(index, new FakeNotifier());
        return this;
    }

    /** The driver's kick of queue {@code index}. */
    void kick(int index) {
        kicks.get(index).signal();
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
        return queues.get(index);
    }

    @Override
    public EventNotifier kicks(int index) {
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
        resets.add(reason);
    }

    synchronized int interrupts(int index) {
        return interrupts.getOrDefault(index, 0);
    }

    synchronized int configInterrupts() {
        return configInterrupts;
    }

    synchronized List<String> resetRequests() {
        return new ArrayList<>(resets);
    }
}

package io.modvm.virtio.console;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.memory.GuestMemory;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.queue.SplitVirtqueue;
import java.util.ArrayList;
import java.util.List;

/** What the transport would hand over at DRIVER_OK, recording the interrupts and resets the device asks for. */
final class FakeActivation implements VirtioActivation {
    private final GuestMemory memory;
    private final long features;
    private final SplitVirtqueue[] queues;
    private final TestNotifier[] kicks;
    private final int[] interrupts;
    private final List<String> resetReasons = new ArrayList<>();
    private int configInterrupts;

    FakeActivation(GuestMemory memory, long features, SplitVirtqueue... queues) {
        this.memory = memory;
        this.features = features;
        this.queues = queues.clone();
        this.kicks = new TestNotifier[queues.length];
        this.interrupts = new int[queues.length];
        for (int i = 0; i < queues.length; i++) {
            kicks[i] = queues[i] == null ? null : new TestNotifier();
        }
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
        return index >= 0 && index < queues.length ? queues[index] : null;
    }

    @Override
    public EventNotifier kicks(int index) {
        return index >= 0 && index < kicks.length ? kicks[index] : null;
    }

    /** The driver's kick of queue {@code index}. */
    void kick(int index) {
        kicks[index].signal();
    }

    @Override
    public synchronized void interruptQueue(int index) {
        interrupts[index]++;
    }

    @Override
    public synchronized void interruptConfig() {
        configInterrupts++;
    }

    @Override
    public synchronized void needsReset(String reason) {
        resetReasons.add(reason);
    }

    synchronized int interrupts(int index) {
        return interrupts[index];
    }

    synchronized List<String> resetReasons() {
        return new ArrayList<>(resetReasons);
    }
}

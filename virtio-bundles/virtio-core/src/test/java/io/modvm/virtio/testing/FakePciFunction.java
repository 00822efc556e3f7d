package io.modvm.virtio.testing;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.pci.PciFunction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The core's side of a plugged PCI function, for tests that drive the virtio-pci transport: each ioeventfd is a
 * {@link FakeNotifier} the test can signal, MSI-X is enabled and every vector raised is recorded, and bus mastering
 * is on until the test turns it off.
 */
public final class FakePciFunction implements PciFunction {
    private volatile boolean msixEnabled = true;
    private final List<FakeNotifier> ioEvents = new ArrayList<>();
    /** The newest ioeventfd bound at each BAR 0 offset: a device restored on this function binds its own. */
    private final Map<Long, FakeNotifier> byOffset = new HashMap<>();
    private final List<Integer> vectors = new ArrayList<>();
    private volatile boolean busMaster = true;

    @Override
    public int bus() {
        return 0;
    }

    @Override
    public int slot() {
        return 1;
    }

    @Override
    public int function() {
        return 0;
    }

    @Override
    public synchronized EventNotifier ioEvent(int bar, long offset, int length, OptionalLong dataMatch) {
        FakeNotifier notifier = new FakeNotifier();
        ioEvents.add(notifier);
        byOffset.put(offset, notifier);
        return notifier;
    }

    /** The {@code index}-th ioeventfd the device asked for: the guest's write to that notify address. */
    public synchronized FakeNotifier ioEvent(int index) {
        return ioEvents.get(index);
    }

    /** The guest's write to the notify address at BAR 0 {@code offset}: signals the ioeventfd bound there last. */
    public synchronized void kickAt(long offset) {
        FakeNotifier n = byOffset.get(offset);
        if (n == null) {
            throw new AssertionError("no ioeventfd at BAR 0 offset 0x" + Long.toHexString(offset));
        }
        n.signal();
    }

    /** How many ioeventfds the devices on this function asked for so far. */
    public synchronized int ioEventCount() {
        return ioEvents.size();
    }

    /** Virtio functions interrupt through MSI-X only; a legacy interrupt from one is a bug the test should see. */
    @Override
    public void setIntx(boolean asserted) {
        throw new AssertionError("a virtio function has no INTx pin");
    }

    @Override
    public synchronized boolean signalMsix(int vector) {
        vectors.add(vector);
        notifyAll();
        return true;
    }

    /** Every MSI-X vector raised so far, in order. */
    public synchronized List<Integer> vectors() {
        return new ArrayList<>(vectors);
    }

    /**
     * The vectors raised, once there are at least {@code count} or {@code timeoutMillis} has passed: a device may
     * raise its interrupt on its own thread a moment after the used ring shows the request done.
     */
    public synchronized List<Integer> awaitVectors(int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (vectors.size() < count) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return vectors();
    }

    @Override
    public boolean msixEnabled() {
        return msixEnabled;
    }

    /** The guest turns MSI-X on or off (on until told otherwise). */
    public void msixEnabled(boolean on) {
        msixEnabled = on;
    }

    @Override
    public boolean busMaster() {
        return busMaster;
    }

    /** The guest turns bus mastering (the device's DMA) on or off. */
    public void busMaster(boolean on) {
        busMaster = on;
    }
}

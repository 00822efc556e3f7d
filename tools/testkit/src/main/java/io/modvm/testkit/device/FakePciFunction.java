package io.modvm.testkit.device;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.pci.PciBar;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The core's side of a plugged PCI function, for a device under test: it keeps the {@link PciFunctionSpec} the
 * device plugged and offers guest accesses to its BARs, records the INTx levels and MSI-X vectors it raises, hands
 * out a {@link FakeNotifier} for each ioeventfd (the test signals it as the guest's write would), and has bus
 * mastering and MSI-X on until the test turns them off. Thread-safe: device threads and the test may use it at once.
 */
public final class FakePciFunction implements PciFunction {
    private final int slot;
    private PciFunctionSpec spec;
    private final List<Boolean> levels = new ArrayList<>();
    private final List<Integer> vectors = new ArrayList<>();
    private final Map<String, FakeNotifier> ioEvents = new HashMap<>();
    private volatile boolean busMaster = true;
    private volatile boolean msixEnabled = true;

    /** A function in slot 3 of bus 0. */
    public FakePciFunction() {
        this(3);
    }

    /** A function in slot {@code slot} of bus 0. */
    public FakePciFunction(int slot) {
        this.slot = slot;
    }

    /** The device plugged this function with {@code spec}; a successor plugs the same function again. */
    synchronized void plugged(PciFunctionSpec spec) {
        this.spec = spec;
    }

    /** What the device plugged, or null before it did. */
    public synchronized PciFunctionSpec spec() {
        return spec;
    }

    @Override
    public int bus() {
        return 0;
    }

    @Override
    public int slot() {
        return slot;
    }

    @Override
    public int function() {
        return 0;
    }

    /** A guest read of {@code size} bytes at {@code offset} inside BAR {@code bar}, as a vCPU issues it. */
    public long barRead(int bar, long offset, int size) {
        return bar(bar).handler().read(offset, size);
    }

    /** A guest write of {@code size} bytes at {@code offset} inside BAR {@code bar}. */
    public void barWrite(int bar, long offset, int size, long value) {
        bar(bar).handler().write(offset, size, value);
    }

    private PciBar bar(int index) {
        PciFunctionSpec s = spec();
        if (s == null) {
            throw new IllegalStateException("the device has not plugged this function yet");
        }
        return s.bars().stream().filter(b -> b.index() == index).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the function has no BAR " + index));
    }

    @Override
    public synchronized EventNotifier ioEvent(int bar, long offset, int length, OptionalLong dataMatch) {
        FakeNotifier n = new FakeNotifier();
        ioEvents.put(bar + "/" + offset, n);
        return n;
    }

    /** The ioeventfd bound last at {@code offset} of BAR {@code bar}: signal it as the guest's write would. */
    public synchronized FakeNotifier ioEventAt(int bar, long offset) {
        FakeNotifier n = ioEvents.get(bar + "/" + offset);
        if (n == null) {
            throw new AssertionError("no ioeventfd at BAR " + bar + " offset 0x" + Long.toHexString(offset));
        }
        return n;
    }

    @Override
    public synchronized void setIntx(boolean asserted) {
        levels.add(asserted);
        notifyAll();
    }

    /** The INTx level as last set. */
    public synchronized boolean intx() {
        return !levels.isEmpty() && levels.get(levels.size() - 1);
    }

    /** How many times the INTx line went from low to high. */
    public synchronized int rises() {
        int n = 0;
        boolean last = false;
        for (boolean l : levels) {
            if (l && !last) {
                n++;
            }
            last = l;
        }
        return n;
    }

    /** Waits up to {@code millis} for the INTx line to be at {@code level}; returns whether it is. */
    public synchronized boolean awaitIntx(boolean level, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (intx() != level && System.currentTimeMillis() < end) {
            wait(Math.max(1, end - System.currentTimeMillis()));
        }
        return intx() == level;
    }

    @Override
    public synchronized boolean signalMsix(int vector) {
        if (!msixEnabled) {
            return false;
        }
        vectors.add(vector);
        notifyAll();
        return true;
    }

    /** Every MSI-X vector raised so far, in order. */
    public synchronized List<Integer> vectors() {
        return new ArrayList<>(vectors);
    }

    /** The vectors raised, once there are at least {@code count} or {@code timeoutMillis} has passed. */
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

    /** The guest's driver enables or disables MSI-X. */
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

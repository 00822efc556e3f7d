package io.modvm.devices.emulated.testing;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.pci.PciFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** The core's side of a plugged PCI function: records the INTx levels the device drives; bus mastering is on. */
public final class FakePciFunction implements PciFunction {
    private final List<Boolean> levels = new ArrayList<>();
    private volatile boolean busMaster = true;

    @Override
    public int bus() {
        return 0;
    }

    @Override
    public int slot() {
        return 3;
    }

    @Override
    public int function() {
        return 0;
    }

    @Override
    public EventNotifier ioEvent(int bar, long offset, int length, OptionalLong dataMatch) {
        throw new UnsupportedOperationException("no ioeventfds here");
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

    /** How many times the line went from low to high. */
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

    /** Waits up to {@code millis} for the line to be at {@code level}. */
    public synchronized boolean awaitIntx(boolean level, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (intx() != level && System.currentTimeMillis() < end) {
            wait(Math.max(1, end - System.currentTimeMillis()));
        }
        return intx() == level;
    }

    @Override
    public boolean signalMsix(int vector) {
        return false;
    }

    @Override
    public boolean msixEnabled() {
        return false;
    }

    @Override
    public boolean busMaster() {
        return busMaster;
    }

    public void setBusMaster(boolean on) {
        busMaster = on;
    }
}

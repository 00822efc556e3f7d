package io.modvm.devices.emulated.testing;

import io.modvm.api.device.IrqLine;
import java.util.ArrayList;
import java.util.List;

/** Records every level a device drives onto one line. */
public final class FakeIrqLine implements IrqLine {
    private final int gsi;
    private final List<Boolean> levels = new ArrayList<>();

    public FakeIrqLine(int gsi) {
        this.gsi = gsi;
    }

    @Override
    public int gsi() {
        return gsi;
    }

    @Override
    public synchronized void set(boolean level) {
        levels.add(level);
    }

    public synchronized boolean level() {
        return !levels.isEmpty() && levels.get(levels.size() - 1);
    }

    /** How many times the line went from low to high. */
    public synchronized int risingEdges() {
        int edges = 0;
        boolean previous = false;
        for (boolean level : levels) {
            if (level && !previous) {
                edges++;
            }
            previous = level;
        }
        return edges;
    }

    public synchronized List<Boolean> history() {
        return new ArrayList<>(levels);
    }
}

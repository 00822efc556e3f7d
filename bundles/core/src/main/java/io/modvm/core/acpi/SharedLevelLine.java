package io.modvm.core.acpi;

import java.util.ArrayList;
import java.util.List;

/**
 * One level-triggered line driven by several sources, as a wired OR: the line is high while any source is high.
 * The SCI needs it: the PM1 events of {@code acpi-pm} and the GPE block ({@link AcpiGpe}) both raise IRQ 9, and
 * the interrupt controller keeps one level per line for all of user space, so two sources that set it on their
 * own would lower each other's pending event.
 */
public final class SharedLevelLine {
    private final LevelLine line;
    private final List<Source> sources = new ArrayList<>();
    private boolean level;

    /** @param line the real line, set only when the OR of the sources changes */
    public SharedLevelLine(LevelLine line) {
        this.line = line;
    }

    /** A new source, low until it is set. */
    public synchronized LevelLine newSource() {
        Source s = new Source();
        sources.add(s);
        return s;
    }

    /**
     * Removes {@code source} (one {@link #newSource()} gave): the line then follows the others alone, so a source
     * that goes away while high does not hold the line high for ever. Unknown sources are ignored.
     */
    public synchronized void release(LevelLine source) {
        if (sources.remove(source)) {
            update();
        }
    }

    /** The line's level as last set. */
    public synchronized boolean level() {
        return level;
    }

    private synchronized void update() {
        boolean any = false;
        for (Source s : sources) {
            any |= s.high;
        }
        if (any != level) {
            level = any;
            line.set(any);
        }
    }

    private final class Source implements LevelLine {
        private boolean high;

        @Override
        public void set(boolean level) {
            synchronized (SharedLevelLine.this) {
                high = level;
                update();
            }
        }
    }
}

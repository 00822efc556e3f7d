package io.modvm.core.machine;

/**
 * How a machine starts: {@code -S} (paused until {@code cont}), {@code -incoming URI} (its state comes from a
 * migration stream before the guest runs) or {@code -loadvm TAG} (from a snapshot). {@code incoming} and
 * {@code loadvm} are null when not given.
 */
public record StartMode(boolean paused, String incoming, String loadvm) {
    /** The usual start: the guest runs at once. */
    public static final StartMode NORMAL = new StartMode(false, null, null);

    /** True if the guest must not run before a stream or snapshot is loaded. */
    public boolean waitsForState() {
        return incoming != null || loadvm != null;
    }
}

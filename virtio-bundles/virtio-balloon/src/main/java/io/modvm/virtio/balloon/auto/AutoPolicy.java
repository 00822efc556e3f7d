package io.modvm.virtio.balloon.auto;

import io.modvm.virtio.balloon.auto.AutoDecision.Action;

/**
 * The automatic balloon policy as a pure function: from the guest's size and available memory and the host's
 * available memory, a new target within the limits.
 *
 * <p>The guest is kept with about {@link #GOAL_PERCENT}% of its memory available. It is grown when it falls below
 * {@link #LOW_PERCENT}% and the host has memory above its reserve to give; it is shrunk when it has more than
 * {@link #HIGH_PERCENT}% available, or when the host has fallen below its reserve and the guest can spare memory
 * without dropping below the goal. Against flapping: nothing happens inside the band between low and high; a
 * shrink waits until the guest has reached its previous target (statistics taken mid-way would mislead); no change
 * smaller than {@link #MIN_CHANGE} is made unless it reaches a limit; and one shrink takes at most an eighth of the
 * guest, so that a burst of free memory is not taken away at once.
 */
public final class AutoPolicy {
    static final long MIB = 1L << 20;
    static final int LOW_PERCENT = 10;
    static final int GOAL_PERCENT = 20;
    static final int HIGH_PERCENT = 40;
    static final long MIN_CHANGE = 32 * MIB;
    /** How far the guest may be from its target and still count as having reached it. */
    static final long SETTLED = 16 * MIB;
    static final int MAX_SHRINK_DIVISOR = 8;

    /** Decides the next target. */
    public AutoDecision decide(AutoInput in, AutoLimits limits) {
        long size = in.guestSize();
        long avail = Math.max(0, Math.min(in.guestAvailable(), size));
        long hostRoom = in.hostAvailable() - limits.hostReserve();
        String numbers = String.format("guest %d MiB with %d MiB available (%d%%), target %d MiB, host available %d"
                + " MiB, reserve %d MiB, bounds %d..%d MiB", size / MIB, avail / MIB, percent(avail, size),
                in.target() / MIB, in.hostAvailable() / MIB, limits.hostReserve() / MIB, limits.min() / MIB,
                limits.max() / MIB);

        if (in.target() < limits.min() || in.target() > limits.max()) {
            long bounded = clamp(in.target(), limits);
            return change(in, limits, bounded, "target outside the bounds", numbers);
        }
        if (avail * 100 < size * LOW_PERCENT) {
            return grow(in, limits, size, avail, hostRoom, numbers);
        }
        if (hostRoom < 0) {
            return relieveHost(in, limits, size, avail, hostRoom, numbers);
        }
        if (avail * 100 > size * HIGH_PERCENT) {
            if (!settled(in)) {
                return hold(in, "guest has memory to spare but has not reached its target yet", numbers);
            }
            long spare = Math.min(toGoal(size, avail), size / MAX_SHRINK_DIVISOR);
            return shrinkBy(in, limits, spare, "guest has more than " + HIGH_PERCENT + "% available", numbers);
        }
        return hold(in, "guest within " + LOW_PERCENT + ".." + HIGH_PERCENT + "% available", numbers);
    }

    private AutoDecision grow(AutoInput in, AutoLimits limits, long size, long avail, long hostRoom,
            String numbers) {
        if (hostRoom <= 0) {
            return hold(in, "guest is short of memory but the host is at its reserve", numbers);
        }
        // Adding x bytes adds x to both available and size: solve (avail + x) = goal * (size + x).
        long need = ceilDiv(size * GOAL_PERCENT - avail * 100, 100 - GOAL_PERCENT);
        long wanted = alignUp(size + Math.min(need, hostRoom));
        long next = clamp(wanted, limits);
        if (next <= in.target()) {
            return hold(in, "guest is short of memory and already growing to its target", numbers);
        }
        return change(in, limits, next, "guest has less than " + LOW_PERCENT + "% available", numbers);
    }

    private AutoDecision relieveHost(AutoInput in, AutoLimits limits, long size, long avail, long hostRoom,
            String numbers) {
        if (!settled(in)) {
            return hold(in, "host below its reserve, waiting for the guest to reach its target", numbers);
        }
        long spare = Math.min(Math.min(-hostRoom, toGoal(size, avail)), size / MAX_SHRINK_DIVISOR);
        if (spare <= 0) {
            return hold(in, "host below its reserve but the guest has nothing to spare", numbers);
        }
        return shrinkBy(in, limits, spare, "host below its reserve", numbers);
    }

    /** Bytes the guest can give while keeping the goal: solve (avail - x) = goal * (size - x). */
    private static long toGoal(long size, long avail) {
        return Math.max(0, (avail * 100 - size * GOAL_PERCENT) / (100 - GOAL_PERCENT));
    }

    private AutoDecision shrinkBy(AutoInput in, AutoLimits limits, long bytes, String why, String numbers) {
        long next = clamp(alignDown(in.guestSize() - bytes), limits);
        return change(in, limits, next, why, numbers);
    }

    private static boolean settled(AutoInput in) {
        return Math.abs(in.target() - in.guestSize()) <= SETTLED;
    }

    private static AutoDecision change(AutoInput in, AutoLimits limits, long next, String why, String numbers) {
        long delta = next - in.target();
        boolean atLimit = next == limits.min() || next == limits.max();
        if (delta == 0 || Math.abs(delta) < MIN_CHANGE && !atLimit) {
            return hold(in, why + ", change under " + MIN_CHANGE / MIB + " MiB", numbers);
        }
        Action action = delta > 0 ? Action.GROW : Action.SHRINK;
        return new AutoDecision(action, next, String.format("%s: %s to %d MiB", why,
                action == Action.GROW ? "grow" : "shrink", next / MIB), numbers);
    }

    private static AutoDecision hold(AutoInput in, String why, String numbers) {
        return new AutoDecision(Action.HOLD, in.target(), why, numbers);
    }

    private static long clamp(long bytes, AutoLimits limits) {
        return Math.max(limits.min(), Math.min(limits.max(), bytes));
    }

    private static long alignUp(long bytes) {
        return (bytes + MIB - 1) & -MIB;
    }

    private static long alignDown(long bytes) {
        return bytes & -MIB;
    }

    private static long ceilDiv(long a, long b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }

    private static long percent(long part, long whole) {
        return whole <= 0 ? 0 : part * 100 / whole;
    }
}

package io.modvm.virtio.rng;

import java.util.function.LongSupplier;

/**
 * QEMU's virtio-rng rate limit: at most {@code max-bytes} in each {@code period}. A period starts with the first
 * request after the previous one ended, and its quota is then full again. Not thread-safe: only the queue's worker
 * uses it. Time comes from a supplier so tests can move it.
 */
final class RateLimit {
    private final long maxBytes;
    private final long periodNanos;
    private final LongSupplier clock;
    private long quota;
    private long periodEnd;
    private boolean periodRunning;

    /**
     * @param maxBytes bytes per period; {@link Long#MAX_VALUE} for no limit
     * @param periodNanos the period's length
     * @param clock a monotonic time in nanoseconds, as {@link System#nanoTime()}
     */
    RateLimit(long maxBytes, long periodNanos, LongSupplier clock) {
        this.maxBytes = maxBytes;
        this.periodNanos = periodNanos;
        this.clock = clock;
        this.quota = maxBytes;
    }

    boolean unlimited() {
        return maxBytes == Long.MAX_VALUE;
    }

    /** Bytes that may be given now. */
    long available() {
        if (unlimited()) {
            return Long.MAX_VALUE;
        }
        long now = clock.getAsLong();
        if (!periodRunning || now - periodEnd >= 0) {
            periodRunning = true;
            periodEnd = now + periodNanos;
            quota = maxBytes;
        }
        return quota;
    }

    /** Counts bytes given to the guest against the current period. */
    void take(long bytes) {
        if (!unlimited()) {
            quota = Math.max(0, quota - bytes);
        }
    }

    /** Nanoseconds until the quota is full again; only meaningful after {@link #available()} returned 0. */
    long nanosUntilRefill() {
        return Math.max(0, periodEnd - clock.getAsLong());
    }
}

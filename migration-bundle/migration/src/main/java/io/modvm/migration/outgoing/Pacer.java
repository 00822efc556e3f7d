package io.modvm.migration.outgoing;

import io.modvm.migration.stream.StreamWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Keeps a migration to {@code max-bandwidth} (read again at every run, so that a change applies at once), and stops
 * it when it is cancelled: the writer calls it between runs of pages.
 */
final class Pacer implements StreamWriter.Pacer {
    private static final long WINDOW_NANOS = 100_000_000L;

    private final LongSupplier bytesPerSecond;
    private final BooleanSupplier cancelled;
    private long windowStart = System.nanoTime();
    private long windowBytes;

    Pacer(LongSupplier bytesPerSecond, BooleanSupplier cancelled) {
        this.bytesPerSecond = bytesPerSecond;
        this.cancelled = cancelled;
    }

    @Override
    public void sent(long bytes) throws IOException {
        if (cancelled.getAsBoolean()) {
            throw new InterruptedIOException("migration cancelled");
        }
        long limit = bytesPerSecond.getAsLong();
        windowBytes += bytes;
        long now = System.nanoTime();
        if (limit <= 0) {
            return;
        }
        long due = windowStart + (long) (windowBytes * 1e9 / limit);
        if (due > now) {
            try {
                Thread.sleep((due - now) / 1_000_000, (int) ((due - now) % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("migration interrupted");
            }
        }
        if (now - windowStart > WINDOW_NANOS && due <= now) {
            // an idle stretch earns no credit: a burst after it is held to the limit too
            windowStart = now;
            windowBytes = 0;
        }
    }

    /** No pacing in the stop-and-copy phase: the guest is paused, so the rest goes as fast as the link takes it. */
    static StreamWriter.Pacer unlimited(BooleanSupplier cancelled) {
        return bytes -> {
            if (cancelled.getAsBoolean()) {
                throw new InterruptedIOException("migration cancelled");
            }
        };
    }
}

package io.modvm.block.backend;

import io.modvm.block.WriteLog;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A {@link WriteLog} as a bitmap of chunks; writers mark it from the device's queue threads while the copy fetches
 * it from its own, so each word is swapped out atomically and no mark is lost between a fetch and the next.
 */
final class WriteBitmap implements WriteLog {
    private final long granularity;
    private final int shift;
    private final long chunks;
    private final AtomicLongArray bits;
    private final Runnable onClose;

    WriteBitmap(long size, long granularity, Runnable onClose) {
        if (granularity < 512 || Long.bitCount(granularity) != 1) {
            throw new IllegalArgumentException("granularity " + granularity + " is not a power of two of 512 or more");
        }
        this.granularity = granularity;
        this.shift = Long.numberOfTrailingZeros(granularity);
        this.chunks = (size + granularity - 1) >>> shift;
        this.bits = new AtomicLongArray((int) ((chunks + 63) >>> 6));
        this.onClose = onClose;
    }

    /** Marks the chunks {@code [offset, offset + length)} touches. */
    void mark(long offset, long length) {
        if (length <= 0) {
            return;
        }
        long first = offset >>> shift;
        long last = Math.min(chunks - 1, (offset + length - 1) >>> shift);
        for (long c = first; c <= last; c++) {
            int word = (int) (c >>> 6);
            long bit = 1L << (c & 63);
            if ((bits.get(word) & bit) == 0) {
                bits.getAndAccumulate(word, bit, (a, b) -> a | b);
            }
        }
    }

    @Override
    public long granularity() {
        return granularity;
    }

    @Override
    public long[] fetch() {
        long[] out = new long[bits.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bits.getAndSet(i, 0);
        }
        return out;
    }

    @Override
    public void close() {
        onClose.run();
    }
}

package io.modvm.core.memory;

import io.modvm.api.accel.RamRegion;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The pages of one RAM region that the machine's own devices wrote (or took a view of, which they may write
 * through later) while a migration runs. The accelerator's dirty log sees only the vCPUs' writes; these are the
 * rest. Bits are only ever set: a migration sends them all again once the devices are quiesced.
 */
public final class WrittenPages {
    private static final int PAGE_SHIFT = 12;

    private final RamRegion region;
    private final AtomicLongArray bits;

    public WrittenPages(RamRegion region) {
        this.region = region;
        this.bits = new AtomicLongArray((int) (((region.size() >>> PAGE_SHIFT) + 63) >>> 6));
    }

    /** Marks {@code [offset, offset + length)} of {@code written}'s region, if it is the tracked one. */
    void mark(RamRegion written, long offset, long length) {
        if (written != region || length <= 0) {
            return;
        }
        long first = offset >>> PAGE_SHIFT;
        long last = (offset + length - 1) >>> PAGE_SHIFT;
        for (long p = first; p <= last; p++) {
            int word = (int) (p >>> 6);
            long bit = 1L << (p & 63);
            long old = bits.get(word);
            if ((old & bit) == 0) {
                bits.getAndUpdate(word, v -> v | bit);
            }
        }
    }

    /** A copy of the bitmap: bit {@code i % 64} of word {@code i / 64} for page {@code i}. */
    public long[] snapshot() {
        long[] out = new long[bits.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bits.get(i);
        }
        return out;
    }
}

package io.modvm.net.vhost.rings;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * vhost's dirty log as both sides of it see one shared buffer: one bit per 4 KiB page of guest-physical memory, the
 * bit of page {@code p} being bit {@code p % 8} of byte {@code p / 8} (what Linux's {@code log_write} and the
 * vhost-user specification set). Read as little-endian 64-bit words that is bit {@code p % 64} of word
 * {@code p / 64}, the layout of modvm's dirty bitmaps, so a fetch is a word-wise atomic exchange with zero: a bit
 * the datapath sets meanwhile lands either in this fetch or in the next one, never nowhere.
 */
public final class LogBitmap {
    /** VHOST_LOG_PAGE. */
    public static final int PAGE_SIZE = 4096;
    private static final VarHandle WORDS = MethodHandles.byteBufferViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private final ByteBuffer bits;

    /** @param bits the shared log, 8-byte aligned (a mapping is), a multiple of 8 bytes long */
    public LogBitmap(ByteBuffer bits) {
        this.bits = bits;
    }

    /** The log's size in bytes for guest-physical addresses below {@code guestEnd}: whole words, at least one. */
    public static long bytesFor(long guestEnd) {
        long pages = Math.max(1, (guestEnd + PAGE_SIZE - 1) / PAGE_SIZE);
        return (pages + 63) / 64 * 8;
    }

    /** Sets the bits of the pages {@code [address, address + length)} touches, as a datapath does. */
    public void mark(long address, long length) {
        if (length <= 0) {
            return;
        }
        for (long p = address / PAGE_SIZE; p <= (address + length - 1) / PAGE_SIZE; p++) {
            long offset = (p >>> 6) * 8;
            if (offset + 8 > bits.capacity()) {
                return;
            }
            WORDS.getAndBitwiseOr(bits, (int) offset, 1L << (p & 63));
        }
    }

    /** The pages marked since the previous fetch, one bit each (bit {@code p % 64} of word {@code p / 64}); clears them. */
    public long[] fetchAndClear() {
        long[] out = new long[bits.capacity() / 8];
        for (int i = 0; i < out.length; i++) {
            if ((long) WORDS.getVolatile(bits, i * 8) != 0) {
                out[i] = (long) WORDS.getAndSet(bits, i * 8, 0L);
            }
        }
        return out;
    }
}

package io.modvm.block.image;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Several buffers that stand for one stretch of an image or a file, as a request's guest buffers arrive: the first
 * buffer's bytes come first, then the next buffer's, with no gap.
 */
final class BufferRuns {
    /** Zeroes to copy from: a put of a block is far cheaper than a put per byte into native memory. */
    private static final byte[] ZEROES = new byte[4096];

    /** One transfer of a whole buffer at a position. */
    interface Transfer {
        void apply(ByteBuffer buffer, long position) throws IOException;
    }

    private BufferRuns() {
    }

    /** The bytes the buffers hold from their positions to their limits. */
    static long total(ByteBuffer[] buffers) {
        long total = 0;
        for (ByteBuffer b : buffers) {
            total += b.remaining();
        }
        return total;
    }

    /** Applies {@code transfer} to each buffer in turn, each at the position where the one before it ended. */
    static void each(ByteBuffer[] buffers, long position, Transfer transfer) throws IOException {
        long at = position;
        for (ByteBuffer b : buffers) {
            int n = b.remaining();
            transfer.apply(b, at);
            at += n;
        }
    }

    /** The index of the first buffer from {@code from} on that has bytes left, or the array's length. */
    static int firstWithRemaining(ByteBuffer[] buffers, int from) {
        int i = from;
        while (i < buffers.length && !buffers[i].hasRemaining()) {
            i++;
        }
        return i;
    }

    /** Fills {@code buffer} with zeroes from its position to its limit. */
    static void zeroRest(ByteBuffer buffer) {
        while (buffer.hasRemaining()) {
            buffer.put(ZEROES, 0, Math.min(ZEROES.length, buffer.remaining()));
        }
    }
}

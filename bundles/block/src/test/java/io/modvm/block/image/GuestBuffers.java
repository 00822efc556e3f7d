package io.modvm.block.image;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs of buffers shaped like a request's guest buffers as the device hands them to an image: native memory on page
 * boundaries (the usual guest page), native memory off them, and heap buffers (test memory), one after the other.
 */
final class GuestBuffers {
    static final int PAGE = 4096;
    /** The pieces of a run in turn: size and where it sits in native memory (-1: on the heap). */
    private static final int[][] SHAPE = {{PAGE, 0}, {PAGE, 0}, {1536, 512}, {2560, -1}};

    private GuestBuffers() {
    }

    /**
     * Buffers of {@code length} bytes in all: two native pages, a native piece 512 bytes past a page boundary, a
     * heap piece, then native pages; cut where {@code length} ends. Every piece starts at position 0.
     */
    static ByteBuffer[] shaped(int length) {
        List<ByteBuffer> run = new ArrayList<>();
        int left = length;
        for (int i = 0; left > 0; i++) {
            int[] piece = i < SHAPE.length ? SHAPE[i] : new int[] {left, 0};
            int n = Math.min(left, piece[0]);
            run.add(piece[1] < 0 ? ByteBuffer.allocate(n) : nativeBuffer(n, piece[1]));
            left -= n;
        }
        return run.toArray(new ByteBuffer[0]);
    }

    /** A run holding {@code data}. */
    static ByteBuffer[] of(byte[] data) {
        ByteBuffer[] run = shaped(data.length);
        int at = 0;
        for (ByteBuffer b : run) {
            b.put(0, data, at, b.limit());
            at += b.limit();
        }
        return run;
    }

    /** What a run holds from each piece's start to its limit, whatever the pieces' positions. */
    static byte[] contents(ByteBuffer[] run) {
        byte[] all = new byte[Arrays.stream(run).mapToInt(ByteBuffer::limit).sum()];
        int at = 0;
        for (ByteBuffer b : run) {
            b.get(0, all, at, b.limit());
            at += b.limit();
        }
        return all;
    }

    /** {@code length} bytes of native memory starting {@code skew} bytes past a page boundary. */
    static ByteBuffer nativeBuffer(int length, int skew) {
        return ByteBuffer.allocateDirect(length + 2 * PAGE).alignedSlice(PAGE).slice(skew, length);
    }
}

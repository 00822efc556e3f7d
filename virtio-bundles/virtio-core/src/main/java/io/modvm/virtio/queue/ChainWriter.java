package io.modvm.virtio.queue;

import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.GuestMemoryException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Writes into a chain's device-writable buffers in order, across segment boundaries, and counts the bytes for
 * {@link SplitVirtqueue#push(DescriptorChain, long)}. It never writes beyond the writable segments; what does not
 * fit is refused, not truncated silently: every write returns how much it stored. Not thread-safe.
 */
public final class ChainWriter {
    private static final int COPY_CHUNK = 64 * 1024;

    private final GuestMemory memory;
    private final int head;
    private final SegmentCursor cursor;

    public ChainWriter(GuestMemory memory, DescriptorChain chain) {
        this.memory = memory;
        this.head = chain.head();
        this.cursor = new SegmentCursor(chain.writable(), chain.writableLength());
    }

    /** Writable bytes still free. */
    public long remaining() {
        return cursor.remaining();
    }

    /** Bytes written so far: the length to push. */
    public long written() {
        return cursor.consumed();
    }

    /** Stores up to {@code length} bytes from {@code source}; returns how many, fewer only when the chain is full. */
    public int write(byte[] source, int offset, int length) throws VirtqueueException {
        Objects.checkFromIndexSize(offset, length, source.length);
        int done = 0;
        try {
            while (done < length && cursor.remaining() > 0) {
                int n = cursor.run(length - done);
                memory.write(cursor.address(), source, offset + done, n);
                cursor.advance(n);
                done += n;
            }
        } catch (GuestMemoryException e) {
            throw new VirtqueueException(VirtqueueError.CHAIN_FAULT, head, e.getMessage());
        }
        return done;
    }

    /**
     * Views of exactly the next {@code length} writable bytes in chain order, one per contiguous guest range, and
     * counts them as written: a device can let the host fill guest memory (a file read) without copying. Returns
     * null and moves nothing when guest memory cannot give a view of some range; {@link #write} copies those. The
     * views are for the request being served only: see {@link GuestMemory#view} for how long they stay valid.
     */
    public ByteBuffer[] views(long length) throws VirtqueueException {
        return cursor.views(memory, length, head);
    }

    /** Stores up to {@code source.remaining()} bytes from it; returns how many. */
    public int write(ByteBuffer source) throws VirtqueueException {
        if (source.hasArray()) {
            int n = write(source.array(), source.arrayOffset() + source.position(), source.remaining());
            source.position(source.position() + n);
            return n;
        }
        byte[] chunk = new byte[(int) Math.min(COPY_CHUNK, Math.min(source.remaining(), cursor.remaining()))];
        int done = 0;
        while (source.hasRemaining() && cursor.remaining() > 0) {
            // Take from the source only what the chain can still hold, so the source keeps what was not stored.
            int n = (int) Math.min(Math.min(chunk.length, source.remaining()), cursor.remaining());
            source.get(chunk, 0, n);
            done += write(chunk, 0, n);
        }
        return done;
    }
}

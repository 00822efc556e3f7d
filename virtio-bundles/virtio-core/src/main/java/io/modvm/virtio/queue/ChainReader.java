package io.modvm.virtio.queue;

import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.GuestMemoryException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Reads a chain's device-readable bytes in order, across segment boundaries, as a stream: a device reads its
 * request header, then the payload. It never reads beyond the readable segments, which were checked to be in RAM
 * when the chain was popped. Not thread-safe.
 */
public final class ChainReader {
    private static final int COPY_CHUNK = 64 * 1024;

    private final GuestMemory memory;
    private final int head;
    private final SegmentCursor cursor;

    public ChainReader(GuestMemory memory, DescriptorChain chain) {
        this.memory = memory;
        this.head = chain.head();
        this.cursor = new SegmentCursor(chain.readable(), chain.readableLength());
    }

    /** Readable bytes not yet read. */
    public long remaining() {
        return cursor.remaining();
    }

    /** Readable bytes read or skipped so far. */
    public long position() {
        return cursor.consumed();
    }

    /**
     * Copies up to {@code length} bytes into {@code destination}; returns how many, fewer only at the chain's end.
     */
    public int read(byte[] destination, int offset, int length) throws VirtqueueException {
        Objects.checkFromIndexSize(offset, length, destination.length);
        int done = 0;
        try {
            while (done < length && cursor.remaining() > 0) {
                int n = cursor.run(length - done);
                memory.read(cursor.address(), destination, offset + done, n);
                cursor.advance(n);
                done += n;
            }
        } catch (GuestMemoryException e) {
            throw fault(e);
        }
        return done;
    }

    /** Reads exactly {@code destination.length} bytes, or throws if the chain has fewer left. */
    public void readFully(byte[] destination) throws VirtqueueException {
        if (destination.length > cursor.remaining()) {
            throw new VirtqueueException(VirtqueueError.CHAIN_TOO_SHORT, head, "need " + destination.length
                    + " readable bytes, chain has " + cursor.remaining());
        }
        read(destination, 0, destination.length);
    }

    /** Copies up to {@code destination.remaining()} bytes into it; returns how many. */
    public int read(ByteBuffer destination) throws VirtqueueException {
        if (destination.hasArray()) {
            int n = read(destination.array(), destination.arrayOffset() + destination.position(),
                    destination.remaining());
            destination.position(destination.position() + n);
            return n;
        }
        byte[] chunk = new byte[(int) Math.min(COPY_CHUNK, Math.min(destination.remaining(), cursor.remaining()))];
        int done = 0;
        while (destination.hasRemaining() && cursor.remaining() > 0) {
            int n = read(chunk, 0, Math.min(chunk.length, destination.remaining()));
            destination.put(chunk, 0, n);
            done += n;
        }
        return done;
    }

    /**
     * Read-only views of exactly the next {@code length} readable bytes in chain order, one per contiguous guest
     * range, and moves past them as if read: a device can hand guest memory to the host (a file write) without
     * copying it. Returns null and moves nothing when guest memory cannot give a view of some range; {@link #read}
     * copies those. The views are for the request being served only: see {@link GuestMemory#view} for how long they
     * stay valid.
     */
    public ByteBuffer[] views(long length) throws VirtqueueException {
        ByteBuffer[] views = cursor.views(memory, length, head);
        if (views != null) {
            for (int i = 0; i < views.length; i++) {
                views[i] = views[i].asReadOnlyBuffer();
            }
        }
        return views;
    }

    /** Skips up to {@code length} readable bytes; returns how many. */
    public long skip(long length) {
        long n = Math.max(0, Math.min(length, cursor.remaining()));
        long left = n;
        while (left > 0) {
            int step = cursor.run((int) Math.min(left, Integer.MAX_VALUE));
            cursor.advance(step);
            left -= step;
        }
        return n;
    }

    private VirtqueueException fault(GuestMemoryException e) {
        // Segments were checked at pop; this only happens if RAM changed under a live chain.
        return new VirtqueueException(VirtqueueError.CHAIN_FAULT, head, e.getMessage());
    }
}

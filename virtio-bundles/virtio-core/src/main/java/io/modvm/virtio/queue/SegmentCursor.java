package io.modvm.virtio.queue;

import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.GuestMemoryException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A position in a list of segments: which segment, and how far into it. Shared by {@link ChainReader} and {@link
 * ChainWriter} so the bounds arithmetic exists once.
 */
final class SegmentCursor {
    /** A Java buffer holds at most 2 GiB; guest memory hands out views of at most 1 GiB anyway. */
    private static final int MAX_VIEW = 1 << 30;

    private final List<Segment> segments;
    private final long total;
    private int segment;
    private long offset;
    private long consumed;

    SegmentCursor(List<Segment> segments, long total) {
        this.segments = segments;
        this.total = total;
    }

    long remaining() {
        return total - consumed;
    }

    long consumed() {
        return consumed;
    }

    /** Guest address of the current byte; only valid while {@link #remaining()} is positive. */
    long address() {
        settle();
        return segments.get(segment).address() + offset;
    }

    /** Contiguous bytes from the current position to the end of its segment, capped at {@code max}. */
    int run(int max) {
        settle();
        return (int) Math.min(max, segments.get(segment).length() - offset);
    }

    void advance(long n) {
        consumed += n;
        offset += n;
    }

    /**
     * Views of the next {@code length} bytes (at most {@link #remaining()}), one per contiguous guest range, and
     * moves past them; or null, moving nothing, when {@code memory} can give no view of one of the ranges although
     * it is RAM (it crosses host mappings), so that the caller copies instead.
     *
     * @param head the chain's head, for the exception
     * @throws VirtqueueException (chain scope) if fewer bytes remain or a range is no longer RAM
     */
    ByteBuffer[] views(GuestMemory memory, long length, int head) throws VirtqueueException {
        if (length < 0 || length > remaining()) {
            throw new VirtqueueException(VirtqueueError.CHAIN_TOO_SHORT, head, "need " + length + " bytes, chain has "
                    + remaining());
        }
        try {
            return take(memory, length);
        } catch (GuestMemoryException e) {
            // Segments were checked at pop; this only happens if RAM changed under a live chain.
            throw new VirtqueueException(VirtqueueError.CHAIN_FAULT, head, e.getMessage());
        }
    }

    private ByteBuffer[] take(GuestMemory memory, long length) {
        // The ranges are walked twice, first only to count them, so that the one array made is the answer.
        ByteBuffer[] views = new ByteBuffer[walk(length, null, null)];
        return walk(length, memory, views) < 0 ? null : views;
    }

    /**
     * Walks the next {@code length} bytes in ranges of one segment and at most MAX_VIEW bytes each, and returns how
     * many. With {@code views}, also puts a view of each range there and moves past them; or returns -1, moving
     * nothing, at the first range {@code memory} gives no view of.
     */
    private int walk(long length, GuestMemory memory, ByteBuffer[] views) {
        int count = 0;
        int s = segment;
        long at = offset;
        long left = length;
        while (left > 0) {
            Segment current = segments.get(s);
            if (at == current.length()) {
                s++;
                at = 0;
                continue;
            }
            int n = (int) Math.min(Math.min(left, current.length() - at), MAX_VIEW);
            if (views != null) {
                ByteBuffer view = view(memory, current.address() + at, n);
                if (view == null) {
                    return -1;
                }
                views[count] = view;
            }
            count++;
            at += n;
            left -= n;
        }
        if (views != null) {
            segment = s;
            offset = at;
            consumed += length;
        }
        return count;
    }

    private static ByteBuffer view(GuestMemory memory, long address, int length) {
        try {
            return memory.view(address, length);
        } catch (GuestMemoryException e) {
            if (!memory.isRam(address, length)) {
                throw e;
            }
            return null;
        }
    }

    /** Moves past exhausted segments, so that the current segment has bytes left. */
    private void settle() {
        while (offset == segments.get(segment).length()) {
            segment++;
            offset = 0;
        }
    }
}

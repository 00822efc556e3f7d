package io.modvm.virtio.queue;

import java.util.List;

/**
 * A position in a list of segments: which segment, and how far into it. Shared by {@link ChainReader} and {@link
 * ChainWriter} so the bounds arithmetic exists once.
 */
final class SegmentCursor {
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

    /** Moves past exhausted segments, so that the current segment has bytes left. */
    private void settle() {
        while (offset == segments.get(segment).length()) {
            segment++;
            offset = 0;
        }
    }
}

package io.modvm.virtio.balloon;

import io.modvm.api.memory.GuestMemory;

/**
 * Turns a stream of guest page frame numbers (4 KiB frames, as the balloon's PFN arrays give them) into runs of
 * adjacent pages, so that a balloon request costs one host call per run rather than one per page. Linux hands out
 * balloon pages in either address order, so a run grows at both ends. A run never leaves guest RAM: a frame outside
 * RAM is counted and dropped, and a run that would cross out of one RAM range is cut there.
 */
final class PageRuns {
    static final int PAGE_SHIFT = 12;
    static final long PAGE_SIZE = 1L << PAGE_SHIFT;

    /** Receives each finished run: {@code pages} frames starting at frame {@code firstPfn}. */
    interface RunSink {
        void run(long firstPfn, long pages);
    }

    private final GuestMemory memory;
    private final RunSink sink;
    private long first = -1;
    private long last = -1;
    private long outsideRam;
    private long firstOutside = -1;

    PageRuns(GuestMemory memory, RunSink sink) {
        this.memory = memory;
        this.sink = sink;
    }

    /** Adds frame {@code pfn} (an unsigned 32-bit value). */
    void add(long pfn) {
        if (!memory.isRam(pfn << PAGE_SHIFT, PAGE_SIZE)) {
            if (outsideRam++ == 0) {
                firstOutside = pfn;
            }
            return;
        }
        if (first >= 0 && pfn == last + 1 && fitsRam(first, pfn)) {
            last = pfn;
        } else if (first >= 0 && pfn == first - 1 && fitsRam(pfn, last)) {
            first = pfn;
        } else {
            flush();
            first = pfn;
            last = pfn;
        }
    }

    private boolean fitsRam(long from, long to) {
        return memory.isRam(from << PAGE_SHIFT, (to - from + 1) << PAGE_SHIFT);
    }

    /** Hands over the run in progress; call at the end of a request. */
    void flush() {
        if (first >= 0) {
            sink.run(first, last - first + 1);
            first = -1;
            last = -1;
        }
    }

    /** How many frames were dropped because they are not guest RAM. */
    long outsideRam() {
        return outsideRam;
    }

    /** The first frame dropped for being outside RAM, or -1. */
    long firstOutsideRam() {
        return firstOutside;
    }
}

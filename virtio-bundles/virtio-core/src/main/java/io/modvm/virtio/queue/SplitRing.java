package io.modvm.virtio.queue;

/**
 * The byte layout of a split virtqueue (virtio 1.2, 2.7.5 to 2.7.8), kept in one place so that the queue and the
 * chain parser cannot disagree about an offset.
 */
final class SplitRing {
    /** Largest queue size a split virtqueue may have (2.7: "Queue Size ... maximum 32768"). */
    static final int MAX_SIZE = 32768;

    static final int DESC_SIZE = 16;
    static final int DESC_ADDR = 0;
    static final int DESC_LEN = 8;
    static final int DESC_FLAGS = 12;
    static final int DESC_NEXT = 14;

    static final int DESC_F_NEXT = 1;
    static final int DESC_F_WRITE = 2;
    static final int DESC_F_INDIRECT = 4;

    static final int AVAIL_FLAGS = 0;
    static final int AVAIL_IDX = 2;
    static final int AVAIL_RING = 4;
    static final int AVAIL_F_NO_INTERRUPT = 1;

    static final int USED_FLAGS = 0;
    static final int USED_IDX = 2;
    static final int USED_RING = 4;
    static final int USED_ELEM_SIZE = 8;
    static final int USED_F_NO_NOTIFY = 1;

    static final int DESC_ALIGN = 16;
    static final int AVAIL_ALIGN = 2;
    static final int USED_ALIGN = 4;

    private SplitRing() {
    }

    static long descTableBytes(int size) {
        return (long) DESC_SIZE * size;
    }

    /** The trailing used_event field exists only when VIRTIO_F_EVENT_IDX was negotiated. */
    static long availRingBytes(int size, boolean eventIdx) {
        return AVAIL_RING + 2L * size + (eventIdx ? 2 : 0);
    }

    /** The trailing avail_event field exists only when VIRTIO_F_EVENT_IDX was negotiated. */
    static long usedRingBytes(int size, boolean eventIdx) {
        return USED_RING + (long) USED_ELEM_SIZE * size + (eventIdx ? 2 : 0);
    }

    /** used_event sits right after the available ring's entries. */
    static int usedEventOffset(int size) {
        return AVAIL_RING + 2 * size;
    }

    /** avail_event sits right after the used ring's elements. */
    static int availEventOffset(int size) {
        return USED_RING + USED_ELEM_SIZE * size;
    }

    /**
     * vring_need_event from the spec (2.7.10): true if {@code event} lies in the window {@code (old, current]} of
     * 16-bit ring indexes, i.e. the other side asked to be told when the index passed {@code event}.
     */
    static boolean needEvent(int event, int current, int old) {
        return ((current - event - 1) & 0xFFFF) < ((current - old) & 0xFFFF);
    }
}

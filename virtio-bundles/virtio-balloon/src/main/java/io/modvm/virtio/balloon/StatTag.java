package io.modvm.virtio.balloon;

/**
 * The memory statistics a driver reports on the stats queue (virtio 1.2, 5.5.6.3, and the tags Linux added since),
 * by their wire tag. Sizes are in bytes; the others are counts.
 */
public enum StatTag {
    SWAP_IN(0),
    SWAP_OUT(1),
    MAJOR_FAULTS(2),
    MINOR_FAULTS(3),
    FREE_MEMORY(4),
    TOTAL_MEMORY(5),
    AVAILABLE_MEMORY(6),
    DISK_CACHES(7),
    HUGETLB_ALLOCATIONS(8),
    HUGETLB_FAILURES(9),
    OOM_KILLS(10),
    ALLOC_STALLS(11),
    ASYNC_SCANS(12),
    DIRECT_SCANS(13),
    ASYNC_RECLAIMS(14),
    DIRECT_RECLAIMS(15);

    private static final StatTag[] BY_TAG = values();

    private final int tag;

    StatTag(int tag) {
        this.tag = tag;
    }

    public int tag() {
        return tag;
    }

    /** The statistic with wire tag {@code tag}, or null for a tag this device does not know (the spec says ignore). */
    static StatTag of(int tag) {
        return tag >= 0 && tag < BY_TAG.length ? BY_TAG[tag] : null;
    }
}

package io.modvm.virtio.pci;

/**
 * Offsets in the legacy virtio-pci header (virtio 1.2, 4.1.4.8), at the start of I/O BAR 0, little-endian. The two
 * vector registers exist only while MSI-X is enabled; the device-specific configuration follows at {@link
 * #CONFIG} or, with MSI-X enabled, at {@link #CONFIG_MSIX}.
 */
final class LegacyHeader {
    static final int HOST_FEATURES = 0;
    static final int GUEST_FEATURES = 4;
    static final int QUEUE_PFN = 8;
    static final int QUEUE_SIZE = 12;
    static final int QUEUE_SELECT = 14;
    static final int QUEUE_NOTIFY = 16;
    static final int DEVICE_STATUS = 18;
    static final int ISR = 19;
    static final int CONFIG_VECTOR = 20;
    static final int QUEUE_VECTOR = 22;
    static final int CONFIG = 20;
    static final int CONFIG_MSIX = 24;

    /** A queue's address is a page frame number of 4096-byte pages; the used ring starts on such a page. */
    static final int PAGE_SHIFT = 12;
    static final long ALIGN = 1L << PAGE_SHIFT;

    private LegacyHeader() {
    }

    /** The ports the header and {@code configSize} bytes of device configuration take: a power of two, at least 32. */
    static int barSize(int configSize) {
        int need = CONFIG_MSIX + configSize;
        return Math.max(32, Integer.highestOneBit(need - 1) << 1);
    }

    /** The legacy split ring of {@code size} entries at {@code base}: descriptor table, available ring, used ring. */
    static long[] ringAddresses(long base, int size) {
        long avail = base + 16L * size;
        // flags, idx, ring[size], used_event; the used ring starts on the next 4096-byte boundary (virtio 1.2, 2.7).
        long used = (avail + 6 + 2L * size + ALIGN - 1) & -ALIGN;
        return new long[] {base, avail, used};
    }
}

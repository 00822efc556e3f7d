package io.modvm.virtio.device;

/** Generic feature bits (virtio 1.2, section 6). */
public final class VirtioFeatures {
    public static final int RING_INDIRECT_DESC = 28;
    public static final int RING_EVENT_IDX = 29;
    public static final int VERSION_1 = 32;
    public static final int ACCESS_PLATFORM = 33;

    private VirtioFeatures() {
    }

    public static long bit(int n) {
        return 1L << n;
    }
}

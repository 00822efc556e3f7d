package io.modvm.virtio.device;

/**
 * A device's configuration space as bytes, read the way a driver reads it: little-endian, in accesses of 1 to 8
 * bytes at any offset, where bytes past the space read as 0 (the transport lets a driver read the whole window).
 *
 * @since 1.3
 */
public final class ConfigBytes {
    private ConfigBytes() {
    }

    /** The little-endian value of {@code size} bytes of {@code space} at {@code offset}. */
    public static long read(byte[] space, int offset, int size) {
        long value = 0;
        for (int i = size - 1; i >= 0; i--) {
            int at = offset + i;
            int b = at >= 0 && at < space.length ? space[at] & 0xFF : 0;
            value = (value << 8) | b;
        }
        return value;
    }
}

package io.modvm.devices.emulated.support;

/** What a guest access of a given width looks like on the bus. */
public final class AccessWidth {
    private AccessWidth() {
    }

    /**
     * The value a bus with nothing behind it returns for an access of {@code size} bytes: every data line
     * floats high. Sizes outside 1..8 give 0, since no such access reaches a device from a real CPU.
     */
    public static long allOnes(int size) {
        if (size >= 8) {
            return size == 8 ? -1L : 0;
        }
        return size <= 0 ? 0 : (1L << (size * 8)) - 1;
    }
}

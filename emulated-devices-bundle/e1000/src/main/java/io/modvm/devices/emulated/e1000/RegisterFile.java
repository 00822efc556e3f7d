package io.modvm.devices.emulated.e1000;

/**
 * The values of BAR 0's 32-bit registers, by byte offset: what the driver wrote to a register that just holds it,
 * and what the device keeps in its own (ring heads, control). Offsets are masked into the 128 KiB BAR and aligned
 * down, so no guest offset falls outside the array. Not thread-safe: the device's lock guards it.
 */
final class RegisterFile {
    private final int[] values = new int[E1000Registers.BAR_SIZE / 4];

    int get(int offset) {
        return values[index(offset)];
    }

    void set(int offset, int value) {
        values[index(offset)] = value;
    }

    private static int index(int offset) {
        return (offset & (E1000Registers.BAR_SIZE - 1)) >>> 2;
    }

    void clear() {
        java.util.Arrays.fill(values, 0);
    }

    /** The registers that are not zero, as offset and value pairs, for a hand-over. */
    int[] nonZero() {
        int n = 0;
        for (int v : values) {
            if (v != 0) {
                n++;
            }
        }
        int[] pairs = new int[2 * n];
        int at = 0;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != 0) {
                pairs[at++] = i << 2;
                pairs[at++] = values[i];
            }
        }
        return pairs;
    }
}

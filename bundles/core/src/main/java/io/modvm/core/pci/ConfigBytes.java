package io.modvm.core.pci;

/** Little-endian byte picking in configuration space, where accesses may be 1, 2 or 4 bytes wide. */
final class ConfigBytes {
    private ConfigBytes() {
    }

    /** The {@code size} bytes at {@code offset} out of the aligned dword {@code dword} that contains them. */
    static int extract(int dword, int offset, int size) {
        int shifted = dword >>> (8 * (offset & 3));
        return size >= 4 ? shifted : shifted & ((1 << (8 * size)) - 1);
    }

    /** {@code old} with the {@code size} bytes at {@code offset} (within its dword) replaced from {@code value}. */
    static int merge(int old, int offset, int size, int value) {
        if (size >= 4) {
            return value;
        }
        int shift = 8 * (offset & 3);
        int mask = ((1 << (8 * size)) - 1) << shift;
        return (old & ~mask) | ((value << shift) & mask);
    }
}

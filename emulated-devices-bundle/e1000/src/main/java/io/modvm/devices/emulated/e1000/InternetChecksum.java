package io.modvm.devices.emulated.e1000;

/** The one's-complement sum of RFC 1071 over big-endian 16-bit words, as the offloads insert it. */
final class InternetChecksum {
    private InternetChecksum() {
    }

    /** Adds {@code length} bytes of {@code data} from {@code offset} to {@code sum}; an odd last byte is padded. */
    static long add(long sum, byte[] data, int offset, int length) {
        long s = sum;
        int i = offset;
        int end = offset + length;
        for (; i + 1 < end; i += 2) {
            s += (data[i] & 0xFF) << 8 | data[i + 1] & 0xFF;
        }
        if (i < end) {
            s += (data[i] & 0xFF) << 8;
        }
        return s;
    }

    /** Folds {@code sum} into 16 bits. */
    static int fold(long sum) {
        long s = sum;
        while (s >>> 16 != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    /**
     * Writes the checksum of bytes {@code [start, end)} of {@code frame} into the two bytes at {@code at}: the
     * complement of their sum, taken with whatever those two bytes held (a pseudo-header sum the driver put there,
     * or zero). A result of 0 is written as 0xFFFF, which means the same in one's complement and which UDP needs.
     */
    static void insert(byte[] frame, int start, int end, int at) {
        int sum = ~fold(add(0, frame, start, end - start)) & 0xFFFF;
        if (sum == 0) {
            sum = 0xFFFF;
        }
        frame[at] = (byte) (sum >>> 8);
        frame[at + 1] = (byte) sum;
    }
}

package io.modvm.devices.emulated.rtc;

/**
 * The CMOS bytes in which a PC BIOS reports memory size, laid out as SeaBIOS reads them. RAM is taken as one
 * contiguous block from address 0: the device context reports only the total, and where the machine splits RAM
 * around the PCI hole is the core's business.
 */
final class CmosMemorySize {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final long GIB = 1024 * MIB;
    private static final long CHUNK = 64 * KIB;
    private static final long BASE_MEMORY_KIB = 640;
    private static final long WORD_CAP = 0xffff;
    private static final long THREE_BYTE_CAP = 0xffffff;

    private CmosMemorySize() {
    }

    static void fill(int[] cmos, long ramSize) {
        long ram = Math.max(0, ramSize);
        long below4g = Math.min(ram, 4 * GIB);
        long above4g = ram - below4g;

        putWord(cmos, 0x15, Math.min(below4g / KIB, BASE_MEMORY_KIB));
        long extendedKib = Math.min(below4g > MIB ? (below4g - MIB) / KIB : 0, WORD_CAP);
        putWord(cmos, 0x17, extendedKib);
        putWord(cmos, 0x30, extendedKib);
        putWord(cmos, 0x34, Math.min(below4g > 16 * MIB ? (below4g - 16 * MIB) / CHUNK : 0, WORD_CAP));
        long highChunks = Math.min(above4g / CHUNK, THREE_BYTE_CAP);
        putWord(cmos, 0x5b, highChunks & 0xffff);
        cmos[0x5d] = (int) (highChunks >>> 16) & 0xff;
    }

    private static void putWord(int[] cmos, int index, long value) {
        cmos[index] = (int) value & 0xff;
        cmos[index + 1] = (int) (value >>> 8) & 0xff;
    }
}

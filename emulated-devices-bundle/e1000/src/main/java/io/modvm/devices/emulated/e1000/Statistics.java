package io.modvm.devices.emulated.e1000;

/**
 * The statistics registers at 0x4000 to 0x40FC (SDM 13.7): counters that the receive and transmit paths add to and
 * that reading clears, each stopping at its largest value instead of wrapping. The octet counters are 64 bits in a
 * low and a high register; reading the high one clears both. Only the counters this model can know are counted
 * (no collisions, no CRC errors on a virtual wire); the rest read 0.
 */
final class Statistics {
    static final int MPC = 0x4010;
    static final int PRC64 = 0x405C;
    static final int GPRC = 0x4074;
    static final int BPRC = 0x4078;
    static final int MPRC = 0x407C;
    static final int GPTC = 0x4080;
    static final int GORCL = 0x4088;
    static final int GORCH = 0x408C;
    static final int GOTCL = 0x4090;
    static final int GOTCH = 0x4094;
    static final int RNBC = 0x40A0;
    static final int ROC = 0x40AC;
    static final int TORL = 0x40C0;
    static final int TORH = 0x40C4;
    static final int TOTL = 0x40C8;
    static final int TOTH = 0x40CC;
    static final int TPR = 0x40D0;
    static final int TPT = 0x40D4;
    static final int PTC64 = 0x40D8;
    static final int MPTC = 0x40F0;
    static final int BPTC = 0x40F4;
    static final int TSCTC = 0x40F8;
    /** An Ethernet frame's check sequence: the counters count it, though no frame here carries one. */
    private static final int FCS = 4;

    private final long[] counters = new long[(E1000Registers.STATS_LAST - E1000Registers.STATS_FIRST) / 4 + 1];

    /** Reads the register at {@code offset} (inside 0x4000 to 0x40FC) and clears it, as the hardware does. */
    synchronized int read(int offset) {
        int i = slot(offset);
        switch (offset & ~3) {
            case GORCL, GOTCL, TORL, TOTL -> {
                return (int) counters[i];
            }
            case GORCH, GOTCH, TORH, TOTH -> {
                long value = counters[i - 1];
                counters[i - 1] = 0;
                return (int) (value >>> 32);
            }
            default -> {
                long value = counters[i];
                counters[i] = 0;
                return (int) value;
            }
        }
    }

    /** A frame of {@code length} bytes (without FCS) given to the guest. */
    synchronized void received(int length, byte[] head) {
        frame(length, head, TPR, GPRC, GORCL, TORL, PRC64, BPRC, MPRC);
    }

    /** A frame of {@code length} bytes (without FCS) sent for the guest. */
    synchronized void sent(int length, byte[] head) {
        frame(length, head, TPT, GPTC, GOTCL, TOTL, PTC64, BPTC, MPTC);
    }

    /** One frame, in the counters of its direction: total, good, octets, size bucket, broadcast or multicast. */
    private void frame(int length, byte[] head, int total, int good, int goodOctets, int totalOctets,
            int firstBucket, int broadcast, int multicast) {
        add(total, 1);
        add(good, 1);
        addOctets(goodOctets, length + FCS);
        addOctets(totalOctets, length + FCS);
        add(sizeBucket(firstBucket, length + FCS), 1);
        if (isBroadcast(head)) {
            add(broadcast, 1);
        } else if ((head[0] & 1) != 0) {
            add(multicast, 1);
        }
    }

    /** A frame longer than the receive control allows, dropped. */
    synchronized void oversize() {
        add(ROC, 1);
    }

    /** A frame dropped because the guest's buffers could not take it. */
    synchronized void missed() {
        add(RNBC, 1);
        add(MPC, 1);
    }

    /** A TCP segmentation context used. */
    synchronized void segmentationContext() {
        add(TSCTC, 1);
    }

    synchronized void clear() {
        java.util.Arrays.fill(counters, 0);
    }

    /** 64, 65-127, 128-255, 256-511, 512-1023, 1024 and up: six counters from {@code first}. */
    private static int sizeBucket(int first, int length) {
        int bucket = length <= 64 ? 0 : length <= 127 ? 1 : length <= 255 ? 2 : length <= 511 ? 3
                : length <= 1023 ? 4 : 5;
        return first + 4 * bucket;
    }

    private void add(int offset, long n) {
        int i = slot(offset);
        counters[i] = Math.min(0xFFFF_FFFFL, counters[i] + n);
    }

    private void addOctets(int lowOffset, long n) {
        int i = slot(lowOffset);
        counters[i] = counters[i] + n < 0 ? Long.MAX_VALUE : counters[i] + n;
    }

    private static int slot(int offset) {
        return ((offset & ~3) - E1000Registers.STATS_FIRST) / 4;
    }

    static boolean isBroadcast(byte[] head) {
        for (int i = 0; i < 6; i++) {
            if (head[i] != (byte) 0xff) {
                return false;
            }
        }
        return true;
    }
}

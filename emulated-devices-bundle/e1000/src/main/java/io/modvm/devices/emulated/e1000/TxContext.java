package io.modvm.devices.emulated.e1000;

/**
 * What a transmit context descriptor tells the offloads (SDM 3.3.6): where the IP header's checksum is computed
 * ({@code ipcss} to {@code ipcse}, inclusive, 0 meaning the end of the frame) and stored ({@code ipcso}), the same
 * for the TCP or UDP checksum, and for TCP segmentation the header length, the MSS and the payload length. The
 * controller keeps two: one for segmentation (a context with TSE) and one for checksums alone.
 *
 * @param ipv4 the IP header is IPv4 (its total length and identification change per segment), else IPv6
 * @param tcp the transport is TCP (sequence number and flags change per segment), else UDP
 */
record TxContext(int ipcss, int ipcso, int ipcse, int tucss, int tucso, int tucse, int payloadLength, int headerLength,
        int mss, boolean ipv4, boolean tcp, boolean segmentation) {
    static final TxContext NONE = new TxContext(0, 0, 0, 0, 0, 0, 0, 0, 0, false, false, false);

    static final int CMD_TCP = 1;
    static final int CMD_IP = 1 << 1;
    static final int CMD_TSE = 1 << 2;

    /** Reads a context descriptor's 16 bytes, little-endian, as {@link TxDescriptor} holds them. */
    static TxContext of(TxDescriptor d) {
        long low = d.address();
        int cmd = d.command();
        return new TxContext((int) (low & 0xFF), (int) (low >>> 8 & 0xFF), (int) (low >>> 16 & 0xFFFF),
                (int) (low >>> 32 & 0xFF), (int) (low >>> 40 & 0xFF), (int) (low >>> 48 & 0xFFFF),
                d.lower() & 0xFFFFF, d.upper() >>> 8 & 0xFF, d.upper() >>> 16 & 0xFFFF, (cmd & CMD_IP) != 0,
                (cmd & CMD_TCP) != 0, (cmd & CMD_TSE) != 0);
    }

    /** The context as saved for a hand-over: its fields in order. */
    int[] save() {
        return new int[] {ipcss, ipcso, ipcse, tucss, tucso, tucse, payloadLength, headerLength, mss, ipv4 ? 1 : 0,
            tcp ? 1 : 0, segmentation ? 1 : 0};
    }

    static TxContext restore(int[] s) {
        if (s.length != 12) {
            return NONE;
        }
        return new TxContext(s[0] & 0xFF, s[1] & 0xFF, s[2] & 0xFFFF, s[3] & 0xFF, s[4] & 0xFF, s[5] & 0xFFFF,
                s[6] & 0xFFFFF, s[7] & 0xFF, s[8] & 0xFFFF, s[9] != 0, s[10] != 0, s[11] != 0);
    }
}

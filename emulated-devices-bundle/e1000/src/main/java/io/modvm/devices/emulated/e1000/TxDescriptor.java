package io.modvm.devices.emulated.e1000;

/**
 * One transmit descriptor's 16 bytes (SDM 3.3): the first 8 are a buffer address (or, in a context descriptor, the
 * checksum offsets), then a lower and an upper dword. The legacy layout has the length, CSO and CMD in the lower one
 * and STA, CSS and the VLAN tag in the upper; with DEXT set, DTYP in the lower dword says a data descriptor (length,
 * DCMD; POPTS in the upper) or a context descriptor ({@link TxContext}).
 */
record TxDescriptor(long address, int lower, int upper) {
    static final int CMD_EOP = 1;
    static final int CMD_IFCS = 1 << 1;
    /** Legacy: insert a checksum (IC); data: TCP segmentation (TSE). */
    static final int CMD_IC_TSE = 1 << 2;
    static final int CMD_RS = 1 << 3;
    static final int CMD_RPS = 1 << 4;
    static final int CMD_DEXT = 1 << 5;
    static final int CMD_VLE = 1 << 6;
    static final int DTYP_DATA = 1;
    static final int POPTS_IXSM = 1;
    static final int POPTS_TXSM = 1 << 1;
    static final int STA_DD = 1;
    /** Offset of the status byte, which the device writes back. */
    static final int STATUS_OFFSET = 12;

    int command() {
        return lower >>> 24;
    }

    boolean extended() {
        return (command() & CMD_DEXT) != 0;
    }

    boolean context() {
        return extended() && (lower >>> 20 & 0xF) != DTYP_DATA;
    }

    /** Bytes of the buffer: 16 bits in a legacy descriptor, 20 in a data descriptor. */
    int length() {
        return extended() ? lower & 0xFFFFF : lower & 0xFFFF;
    }

    boolean endOfPacket() {
        return (command() & CMD_EOP) != 0;
    }

    boolean reportStatus() {
        return (command() & (CMD_RS | CMD_RPS)) != 0;
    }

    boolean vlan() {
        return (command() & CMD_VLE) != 0;
    }

    /** A data descriptor's TSE, or a legacy descriptor's IC. */
    boolean segmentationOrChecksum() {
        return (command() & CMD_IC_TSE) != 0;
    }

    /** A data descriptor's packet options (IXSM, TXSM). */
    int options() {
        return upper >>> 8 & 0xFF;
    }

    /** A legacy descriptor's checksum offset and start. */
    int checksumOffset() {
        return lower >>> 16 & 0xFF;
    }

    int checksumStart() {
        return upper >>> 8 & 0xFF;
    }

    /** The VLAN tag (802.1Q TCI) of a legacy or data descriptor. */
    int special() {
        return upper >>> 16 & 0xFFFF;
    }
}

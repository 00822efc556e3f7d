package io.modvm.virtio.blk;

/** The numbers of virtio-blk (virtio 1.2, section 5.2): feature bits, request types, status values, limits. */
final class VirtioBlk {
    static final int DEVICE_TYPE = 2;
    /** PCI class 0x010000 (SCSI storage controller), QEMU's choice for virtio-blk. */
    static final int PCI_CLASS = 0x010000;

    static final int F_SEG_MAX = 2;
    static final int F_RO = 5;
    static final int F_BLK_SIZE = 6;
    static final int F_FLUSH = 9;
    static final int F_DISCARD = 13;
    static final int F_WRITE_ZEROES = 14;

    static final int T_IN = 0;
    static final int T_OUT = 1;
    static final int T_FLUSH = 4;
    static final int T_GET_ID = 8;
    static final int T_DISCARD = 11;
    static final int T_WRITE_ZEROES = 13;

    static final byte S_OK = 0;
    static final byte S_IOERR = 1;
    static final byte S_UNSUPP = 2;

    static final int SECTOR = 512;
    static final int HEADER_BYTES = 16;
    static final int ID_BYTES = 20;
    /** struct virtio_blk_discard_write_zeroes: sector (8), num_sectors (4), flags (4). */
    static final int RANGE_BYTES = 16;
    static final int RANGE_F_UNMAP = 1;

    static final int QUEUE_SIZE = 256;
    /** Segments per request besides the header and status, as QEMU reports for a queue of this size. */
    static final int SEG_MAX = QUEUE_SIZE - 2;
    static final int MAX_DISCARD_SECTORS = (1 << 22) - 1;
    static final int MAX_RANGES = 32;

    private VirtioBlk() {
    }
}

package io.modvm.virtio.blk;

import io.modvm.virtio.device.ConfigBytes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The device-specific configuration space (struct virtio_blk_config, virtio 1.2 5.2.4), laid out once: nothing in it
 * changes while the device lives, and the driver may not write any of it (no CONFIG_WCE).
 */
final class BlkConfigSpace {
    static final int SIZE = 60;

    private static final int CAPACITY = 0;
    private static final int SEG_MAX = 12;
    private static final int BLK_SIZE = 20;
    private static final int NUM_QUEUES = 34;
    private static final int MAX_DISCARD_SECTORS = 36;
    private static final int MAX_DISCARD_SEG = 40;
    private static final int DISCARD_SECTOR_ALIGNMENT = 44;
    private static final int MAX_WRITE_ZEROES_SECTORS = 48;
    private static final int MAX_WRITE_ZEROES_SEG = 52;
    private static final int WRITE_ZEROES_MAY_UNMAP = 56;

    private final ByteBuffer bytes = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);

    /**
     * @param capacitySectors the disk size in 512-byte sectors
     * @param discardAlignment the image's discard granularity in bytes
     */
    BlkConfigSpace(long capacitySectors, long discardAlignment) {
        bytes.putLong(CAPACITY, capacitySectors);
        bytes.putInt(SEG_MAX, VirtioBlk.SEG_MAX);
        bytes.putInt(BLK_SIZE, VirtioBlk.SECTOR);
        bytes.putShort(NUM_QUEUES, (short) 1);
        bytes.putInt(MAX_DISCARD_SECTORS, VirtioBlk.MAX_DISCARD_SECTORS);
        bytes.putInt(MAX_DISCARD_SEG, VirtioBlk.MAX_RANGES);
        bytes.putInt(DISCARD_SECTOR_ALIGNMENT, (int) Math.max(1, discardAlignment / VirtioBlk.SECTOR));
        bytes.putInt(MAX_WRITE_ZEROES_SECTORS, VirtioBlk.MAX_DISCARD_SECTORS);
        bytes.putInt(MAX_WRITE_ZEROES_SEG, VirtioBlk.MAX_RANGES);
        bytes.put(WRITE_ZEROES_MAY_UNMAP, (byte) 1);
    }

    /** Little-endian read of {@code size} bytes at {@code offset}; bytes outside the space read as 0. */
    long read(int offset, int size) {
        return ConfigBytes.read(bytes.array(), offset, size);
    }
}

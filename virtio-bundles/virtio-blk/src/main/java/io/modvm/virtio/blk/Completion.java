package io.modvm.virtio.blk;

/**
 * How a request ended: the status byte for the driver and how many data bytes the device stored before it.
 *
 * @param status one of the VIRTIO_BLK_S_ values
 * @param dataWritten bytes written into the chain's data buffers
 */
record Completion(byte status, long dataWritten) {
    static final Completion OK = new Completion(VirtioBlk.S_OK, 0);
    static final Completion IOERR = new Completion(VirtioBlk.S_IOERR, 0);
    static final Completion UNSUPP = new Completion(VirtioBlk.S_UNSUPP, 0);
}

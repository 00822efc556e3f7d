package io.modvm.virtio.blk;

/**
 * What a virtio-blk device must carry across a bundle update or a migration: what the driver negotiated and where
 * the device stands in its queue. The image and its settings come from the device's configuration, not from here.
 *
 * @param active whether the driver had set DRIVER_OK
 * @param features the negotiated feature bits
 * @param nextAvail the device's next available-ring index
 * @param nextUsed the device's next used-ring index
 */
public record BlockState(boolean active, long features, int nextAvail, int nextUsed) {
    /** A device the driver has not started. */
    public static final BlockState IDLE = new BlockState(false, 0, 0, 0);
}

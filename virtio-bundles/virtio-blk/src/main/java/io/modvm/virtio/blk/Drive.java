package io.modvm.virtio.blk;

import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;

/**
 * A drive as the monitor reports it: an open image attached to one device.
 *
 * @param id the drive id ({@code query-block}'s {@code device})
 * @param deviceId the id of the virtio-blk device it is attached to
 * @param nodeName the block node name, {@code #blockNNN} as QEMU generates them
 * @param image the open image
 * @param cache the cache mode it was opened with
 * @param serial the GET_ID string, possibly empty
 */
public record Drive(String id, String deviceId, String nodeName, DiskImage image, CacheMode cache, String serial) {
    /** The QOM path of the device's virtio backend, as QEMU reports it in {@code qdev}. */
    public String qdevPath() {
        return "/machine/peripheral/" + deviceId + "/virtio-backend";
    }
}

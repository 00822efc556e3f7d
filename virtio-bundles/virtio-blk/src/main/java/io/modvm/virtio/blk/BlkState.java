package io.modvm.virtio.blk;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;

/**
 * What a virtio-blk device carries across a bundle update besides what the transport saves (registers, negotiated
 * features, ring indexes): what the driver has read from it. The image itself is reopened from the device's
 * properties; a device that would show the driver another disk (size, read-only, serial) refuses the state. No
 * request is in flight: quiescing finishes every request the queue thread had taken.
 *
 * @param features the features the device offered
 * @param capacitySectors the capacity in 512-byte sectors, from the configuration space
 * @param readOnly whether the image is read-only (VIRTIO_BLK_F_RO)
 * @param serial the GET_ID string
 */
public record BlkState(long features, long capacitySectors, boolean readOnly, String serial) {
    static final String TYPE = "virtio-blk";
    static final int VERSION = 1;

    StateRecord toRecord() {
        return StateRecord.builder(TYPE, VERSION).put("features", features).put("capacity", capacitySectors)
                .put("readOnly", readOnly).put("serial", serial).build();
    }

    static BlkState from(StateRecord r) throws StateException {
        r.require(TYPE, 1, VERSION);
        return new BlkState(r.getLong("features"), r.getLong("capacity"), r.getBoolean("readOnly"),
                r.getString("serial"));
    }

    /** Throws unless a device in state {@code now} shows the driver the same disk as this saved state. */
    void requireSameDisk(BlkState now) throws StateException {
        if (capacitySectors != now.capacitySectors) {
            throw new StateException(TYPE + ": the image now has " + now.capacitySectors + " sectors; the guest knows "
                    + capacitySectors);
        }
        if (readOnly != now.readOnly) {
            throw new StateException(TYPE + ": the image is now " + (now.readOnly ? "read-only" : "writable")
                    + "; the guest knows it " + (readOnly ? "read-only" : "writable"));
        }
        if (!serial.equals(now.serial)) {
            throw new StateException(TYPE + ": serial is now '" + now.serial + "'; the guest knows '" + serial + "'");
        }
    }
}

package io.modvm.virtio.blk;

import io.modvm.api.device.DeviceException;
import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * The drives of the live virtio-blk devices, shared by the device factory (which adds and removes them) and the
 * {@code query-block} command (which lists them). Thread-safe. The component keeps the name it had as {@code
 * BlockDeviceRegistry}.
 */
@Component(name = "io.modvm.virtio.blk.BlockDeviceRegistry", service = BlkRegistry.class)
public final class BlkRegistry {
    private final List<Drive> drives = new ArrayList<>();
    private int nodeCounter;

    /**
     * Adds a drive and gives it a node name.
     *
     * @throws DeviceException if a drive with this id exists already
     */
    public synchronized Drive register(String id, String deviceId, DiskImage image, CacheMode cache, String serial)
            throws DeviceException {
        for (Drive d : drives) {
            if (d.id().equals(id)) {
                throw new DeviceException(BlkConfig.TYPE + ": drive id '" + id + "' is in use by device "
                        + d.deviceId() + "; give each drive its own id");
            }
        }
        nodeCounter++;
        Drive drive = new Drive(id, deviceId, String.format("#block%03d", nodeCounter), image, cache, serial);
        drives.add(drive);
        return drive;
    }

    public synchronized void remove(Drive drive) {
        drives.remove(drive);
    }

    /** The drives in the order they were added. */
    public synchronized List<Drive> drives() {
        return List.copyOf(drives);
    }
}

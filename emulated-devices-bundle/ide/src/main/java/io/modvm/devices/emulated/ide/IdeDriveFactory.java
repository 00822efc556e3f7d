package io.modvm.devices.emulated.ide;

import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceProperties;
import io.modvm.api.device.DeviceProperty;
import io.modvm.api.state.StateRecord;
import io.modvm.block.BlockNode;
import io.modvm.block.DiskImage;
import io.modvm.devices.emulated.support.StatefulDeviceFactory;
import java.util.List;

/**
 * Builds the drives of one kind ({@code ide-hd} or {@code ide-cd}) on the machine's PIIX IDE controller, which the
 * first drive brings ({@link IdeControllers}). A drive takes the block backend {@code drive=} names; a restored one
 * takes the same backend and place and goes on from the saved registers and transfer.
 */
abstract class IdeDriveFactory extends StatefulDeviceFactory {
    private final IdeControllers controllers;
    private final boolean cdrom;
    private final List<DeviceProperty> properties;
    /** Drives made so far, for QEMU's default serial numbers. */
    private int made;

    IdeDriveFactory(IdeControllers controllers, boolean cdrom) {
        this.controllers = controllers;
        this.cdrom = cdrom;
        this.properties = IdeConfig.properties(cdrom ? "QEMU DVD-ROM" : "QEMU HARDDISK");
    }

    @Override
    public final List<DeviceProperty> properties() {
        return properties;
    }

    @Override
    public final String category() {
        return "storage";
    }

    @Override
    protected final Device build(DeviceContext context, DeviceProperties p, StateRecord state)
            throws DeviceException {
        IdeConfig config = IdeConfig.parse(type(), p);
        BlockNode node = context.backend(BackendKinds.BLOCK, config.drive(), BlockNode.class);
        if (node == null) {
            throw new DeviceException(type() + ": no drive '" + config.drive() + "'");
        }
        DiskImage image = node.image();
        long unit = cdrom ? Ata.CD_SECTOR : Ata.SECTOR;
        if (image.size() < unit) {
            throw new DeviceException(type() + ": drive '" + config.drive() + "' holds less than one "
                    + unit + "-byte sector");
        }
        String serial = config.serial() != null ? config.serial() : String.format("QM%05d", nextNumber());
        IdeDrive drive = new IdeDrive(cdrom, image, serial, config.model(), new Complaints(type() + " "
                + context.deviceId()));
        IdeControllers.Placement placement = controllers.plug(context, config, drive, type());
        IdeDriveDevice device = new IdeDriveDevice(context.deviceId(), drive, placement, controllers);
        restoreInto(device, state, IdeDriveDevice::restoreState);
        return device;
    }

    private synchronized int nextNumber() {
        return ++made;
    }
}

package io.modvm.virtio.blk;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.blk.image.DiskImage;
import io.modvm.virtio.blk.image.ImageOpener;
import io.modvm.virtio.pci.VirtioPciTransport;
import java.io.IOException;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds {@code virtio-blk-pci} devices: opens the image, records the drive, and plugs the device into PCI. */
@Component(service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + BlockConfig.TYPE, DeviceFactory.PROP_BUS + "=pci"})
public final class BlockDeviceFactory implements DeviceFactory {
    private static final Logger LOG = LoggerFactory.getLogger(BlockDeviceFactory.class);

    @Reference
    private BlockDeviceRegistry registry;

    public BlockDeviceFactory() {
    }

    /** For tests, which have no DS runtime. */
    BlockDeviceFactory(BlockDeviceRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String type() {
        return BlockConfig.TYPE;
    }

    @Override
    public String description() {
        return "virtio block device (properties: file, format, readonly, cache, drive, serial)";
    }

    @Override
    public Device create(DeviceContext context, Map<String, String> properties) throws DeviceException {
        return plug(context, properties, null);
    }

    /**
     * Takes over a device saved by this or an earlier version: reopens the image from the same properties and
     * continues on the driver's queue where the old instance stopped. A state it cannot read, or an image that is
     * no longer the disk the driver knows, is refused and the image closed again.
     */
    @Override
    public Device restore(DeviceContext context, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        return plug(context, properties, state);
    }

    /** Opens the device and plugs it new, or with {@code state} restores it; closes it if that fails. */
    private Device plug(DeviceContext context, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        BlockDevice device = createDevice(context.deviceId(), properties);
        try {
            return VirtioPciTransport.plugOrRestore(context, device, state);
        } catch (DeviceException | RuntimeException e) {
            device.close();
            throw e;
        }
    }

    /** Opens the image and records the drive; the caller plugs the device or closes it. */
    BlockDevice createDevice(String deviceId, Map<String, String> properties) throws DeviceException {
        BlockConfig config = BlockConfig.parse(deviceId, properties);
        DiskImage image;
        try {
            image = ImageOpener.open(config.file(), config.format(), config.readOnly(), config.cache());
        } catch (IOException e) {
            String why = e.getMessage() != null ? e.getMessage() : config.file() + ": " + e;
            throw new DeviceException(BlockConfig.TYPE + " " + deviceId + ": " + why, e);
        }
        Drive drive;
        try {
            drive = registry.register(config.drive(), deviceId, image, config.cache(), config.serial());
        } catch (DeviceException e) {
            closeQuietly(image);
            throw e;
        }
        LOG.debug("{}: {} image {} ({} bytes{}), cache={}", deviceId, image.format(), image.path(), image.size(),
                image.readOnly() ? ", read-only" : "", config.cache().optionName());
        return new BlockDevice(drive, () -> registry.remove(drive));
    }

    private static void closeQuietly(DiskImage image) {
        try {
            image.close();
        } catch (IOException e) {
            LOG.debug("closing {} failed: {}", image.path(), e.getMessage());
        }
    }
}

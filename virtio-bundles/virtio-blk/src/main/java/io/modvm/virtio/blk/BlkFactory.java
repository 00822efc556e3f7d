package io.modvm.virtio.blk;

import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.virtio.blk.image.DiskImage;
import io.modvm.virtio.blk.image.ImageOpener;
import io.modvm.virtio.pci.VirtioPciFactory;
import java.io.IOException;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds {@code virtio-blk-pci} devices: opens the image, records the drive, and plugs the device into PCI. The
 * component keeps the name it had as {@code BlockDeviceFactory}, so that its {@code component.name} and
 * configuration PID stay what they were.
 */
@Component(name = "io.modvm.virtio.blk.BlockDeviceFactory", service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + BlkConfig.TYPE, DeviceFactory.PROP_BUS + "=pci"})
public final class BlkFactory extends VirtioPciFactory<BlkDevice> {
    private static final Logger LOG = LoggerFactory.getLogger(BlkFactory.class);

    @Reference
    private BlkRegistry registry;

    public BlkFactory() {
    }

    /** For tests, which have no DS runtime. */
    BlkFactory(BlkRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String type() {
        return BlkConfig.TYPE;
    }

    @Override
    public String description() {
        return "virtio block device (properties: file, format, readonly, cache, drive, serial)";
    }

    /**
     * Opens the image and records the drive. A restored device reopens the image from the same properties and
     * continues on the driver's queue where the old instance stopped; a state it cannot read, or an image that is
     * no longer the disk the driver knows, is refused and the image closed again.
     */
    @Override
    protected BlkDevice newDevice(DeviceContext context, Map<String, String> properties) throws DeviceException {
        return createDevice(context.deviceId(), properties);
    }

    /** Opens the image and records the drive; the caller plugs the device or closes it. */
    BlkDevice createDevice(String deviceId, Map<String, String> properties) throws DeviceException {
        BlkConfig config = BlkConfig.parse(deviceId, properties);
        DiskImage image;
        try {
            image = ImageOpener.open(config.file(), config.format(), config.readOnly(), config.cache());
        } catch (IOException e) {
            String why = e.getMessage() != null ? e.getMessage() : config.file() + ": " + e;
            throw new DeviceException(BlkConfig.TYPE + " " + deviceId + ": " + why, e);
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
        return new BlkDevice(drive, () -> registry.remove(drive));
    }

    private static void closeQuietly(DiskImage image) {
        try {
            image.close();
        } catch (IOException e) {
            LOG.debug("closing {} failed: {}", image.path(), e.getMessage());
        }
    }
}

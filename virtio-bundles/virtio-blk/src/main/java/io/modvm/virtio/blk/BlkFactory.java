package io.modvm.virtio.blk;

import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.DeviceProperty;
import io.modvm.block.BlockNode;
import io.modvm.block.DiskImage;
import io.modvm.virtio.pci.VirtioPciFactory;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds {@code virtio-blk-pci} devices: takes the block backend the device names (or opens its own image), records
 * the drive, and plugs the device into PCI. A device that takes over in a hot-swap takes the same backend, open all
 * along. The component keeps the name it had as {@code BlockDeviceFactory}, so that its {@code component.name} and
 * configuration PID stay what they were.
 */
@Component(name = "io.modvm.virtio.blk.BlockDeviceFactory", service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + BlkConfig.TYPE, DeviceFactory.PROP_BUS + "=pci"})
public final class BlkFactory extends VirtioPciFactory<BlkDevice> {
    private static final Logger LOG = LoggerFactory.getLogger(BlkFactory.class);
    /** The block backend type that opens an image as {@code -drive} does. */
    static final String DRIVE_BACKEND = "drive";

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
        return "virtio block device (properties: drive, serial, bootindex; or file, format, readonly, cache for an "
                + "image of its own)";
    }

    @Override
    public List<DeviceProperty> properties() {
        return withTransportProperties(BlkConfig.PROPERTIES);
    }

    /**
     * Takes the disk and records the drive. A restored device takes the same backend and continues on the driver's
     * queue where the old instance stopped; a state it cannot read, or an image that is no longer the disk the driver
     * knows, is refused.
     */
    @Override
    protected BlkDevice newDevice(DeviceContext context, Map<String, String> properties) throws DeviceException {
        BlkConfig config = BlkConfig.parse(context.deviceId(), properties);
        BlockNode node;
        if (config.image() != null) {
            try {
                node = context.openBackend(BackendKinds.BLOCK, DRIVE_BACKEND, config.image(), BlockNode.class);
            } catch (DeviceException e) {
                throw new DeviceException(BlkConfig.TYPE + " " + context.deviceId() + ": " + e.getMessage(), e);
            }
        } else {
            node = context.backend(BackendKinds.BLOCK, config.drive(), BlockNode.class);
        }
        return createDevice(context.deviceId(), config, node);
    }

    /** Records the drive of a device on {@code node}; the caller plugs the device or closes it. */
    BlkDevice createDevice(String deviceId, BlkConfig config, BlockNode node) throws DeviceException {
        DiskImage image = node.image();
        Drive drive = registry.register(config.drive(), deviceId, image, node.cache(), config.serial());
        LOG.debug("{}: {} image {} ({} bytes{}), cache={}", deviceId, image.format(), image.path(), image.size(),
                image.readOnly() ? ", read-only" : "", node.cache().optionName());
        return new BlkDevice(drive, () -> registry.remove(drive));
    }
}

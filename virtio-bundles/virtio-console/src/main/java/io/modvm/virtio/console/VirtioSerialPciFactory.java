package io.modvm.virtio.console;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.state.StateRecord;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts QEMU's {@code virtio-serial-pci} so that {@code -device virtio-serial-pci -device virtconsole,chardev=X}
 * works unchanged. modvm's {@code virtconsole} already is a whole virtio-serial function, so this device plugs
 * nothing by itself and the guest sees one function with {@code hvc0} on X, as under QEMU. Given a
 * {@code chardev}, it is a console function of its own, like {@code virtconsole}. Unlike QEMU, a virtio-serial-pci
 * without ports shows the guest no empty function.
 */
@Component(service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + VirtioSerialPciFactory.TYPE, DeviceFactory.PROP_BUS + "=pci"})
public final class VirtioSerialPciFactory implements DeviceFactory {
    static final String TYPE = "virtio-serial-pci";
    private static final Logger LOG = LoggerFactory.getLogger(VirtioSerialPciFactory.class);

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "accepted for QEMU compatibility: adds nothing, as each virtconsole is its own virtio-serial "
                + "function; with chardev=X, a console function on X (properties: chardev, cols, rows)";
    }

    @Override
    public Device create(DeviceContext context, Map<String, String> properties) throws DeviceException {
        ConsoleConfig config = ConsoleConfig.parse(TYPE, properties, null);
        if (config.chardev() == null) {
            LOG.info("{}: {} adds no PCI function; each virtconsole brings its own", context.deviceId(), TYPE);
            return new EmptySerialBus(context.deviceId());
        }
        return VirtconsoleFactory.plug(context, config);
    }

    /**
     * Takes over a console function saved by this or an earlier version (one with a chardev: one without plugs
     * nothing and has no state to hand over).
     */
    @Override
    public Device restore(DeviceContext context, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        ConsoleConfig config = ConsoleConfig.parse(TYPE, properties, null);
        if (config.chardev() == null) {
            throw new DeviceException(TYPE + " " + context.deviceId() + ": without a chardev there is no device to"
                    + " take over");
        }
        return VirtconsoleFactory.plug(context, config, state);
    }
}

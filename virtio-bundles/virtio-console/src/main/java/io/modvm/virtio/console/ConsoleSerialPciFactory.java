package io.modvm.virtio.console;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.DeviceProperty;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.pci.VirtioPciFactory;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts QEMU's {@code virtio-serial-pci} so that {@code -device virtio-serial-pci -device virtconsole,chardev=X}
 * works unchanged. modvm's {@code virtconsole} already is a whole virtio-serial function, so this device plugs
 * nothing by itself and the guest sees one function with {@code hvc0} on X, as under QEMU. Given a
 * {@code chardev}, it is a console function of its own, like {@code virtconsole}. Unlike QEMU, a virtio-serial-pci
 * without ports shows the guest no empty function. The component keeps the name it had as {@code
 * VirtioSerialPciFactory}, so that its {@code component.name} and configuration PID stay what they were.
 */
@Component(name = "io.modvm.virtio.console.VirtioSerialPciFactory", service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + ConsoleSerialPciFactory.TYPE, DeviceFactory.PROP_BUS + "=pci"})
public final class ConsoleSerialPciFactory extends VirtioPciFactory<ConsoleDevice> {
    static final String TYPE = "virtio-serial-pci";
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSerialPciFactory.class);
    private static final List<DeviceProperty> PROPERTIES = withTransportProperties(ConsoleConfig.properties(null));

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
    public List<DeviceProperty> properties() {
        return PROPERTIES;
    }

    @Override
    public Device create(DeviceContext context, Map<String, String> properties) throws DeviceException {
        if (config(properties).chardev() == null) {
            LOG.info("{}: {} adds no PCI function; each virtconsole brings its own", context.deviceId(), TYPE);
            return new EmptySerialBus(context.deviceId());
        }
        return super.create(context, properties);
    }

    /**
     * Takes over a console function saved by this or an earlier version, or, without a chardev, the empty bus that
     * plugs nothing (its state is an empty record).
     */
    @Override
    public Device restore(DeviceContext context, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        if (config(properties).chardev() == null) {
            try {
                return EmptySerialBus.restore(context.deviceId(), state);
            } catch (StateException e) {
                throw new DeviceException(TYPE + " " + context.deviceId() + ": " + e.getMessage());
            }
        }
        return super.restore(context, properties, state);
    }

    @Override
    protected ConsoleDevice newDevice(DeviceContext context, Map<String, String> properties) throws DeviceException {
        return ConsoleDevice.open(context, config(properties));
    }

    @Override
    protected void plugged(DeviceContext context, ConsoleDevice device) {
        device.attachBackend();
    }

    private static ConsoleConfig config(Map<String, String> properties) throws DeviceException {
        return ConsoleConfig.parse(TYPE, properties, null);
    }
}

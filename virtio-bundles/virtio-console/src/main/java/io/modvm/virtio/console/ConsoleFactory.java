package io.modvm.virtio.console;

import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.DeviceProperty;
import io.modvm.virtio.pci.VirtioPciFactory;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Builds {@code virtconsole} devices. In QEMU a virtconsole is a port on a virtio-serial bus that
 * {@code -device virtio-serial-pci} created; in modvm it is the whole thing: one virtio console PCI function whose
 * single port is the console (Linux's {@code hvc0}). QEMU's two-device form still works, because modvm's
 * {@code virtio-serial-pci} adds nothing without a chardev (see {@link ConsoleSerialPciFactory}). A restored console
 * keeps the same chardev, the driver's queues where they were, and delivers the host input the old instance had
 * buffered first. The component keeps the name it had as {@code VirtconsoleFactory}, so that its {@code
 * component.name} and configuration PID stay what they were.
 */
@Component(name = "io.modvm.virtio.console.VirtconsoleFactory", service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + ConsoleFactory.TYPE, DeviceFactory.PROP_BUS + "=pci"})
public final class ConsoleFactory extends VirtioPciFactory<ConsoleDevice> {
    static final String TYPE = "virtconsole";
    private static final List<DeviceProperty> PROPERTIES =
            withTransportProperties(ConsoleConfig.properties(ConsoleConfig.DEFAULT_CHARDEV));

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "virtio console PCI function with one console port, Linux's hvc0 (properties: chardev, default "
                + "stdio; cols, rows; bus is accepted and unused)";
    }

    @Override
    public List<DeviceProperty> properties() {
        return PROPERTIES;
    }

    @Override
    protected ConsoleDevice newDevice(DeviceContext context, Map<String, String> properties) throws DeviceException {
        return ConsoleDevice.open(context, ConsoleConfig.parse(TYPE, properties, ConsoleConfig.DEFAULT_CHARDEV));
    }

    @Override
    protected void plugged(DeviceContext context, ConsoleDevice device) {
        device.attachBackend();
    }
}

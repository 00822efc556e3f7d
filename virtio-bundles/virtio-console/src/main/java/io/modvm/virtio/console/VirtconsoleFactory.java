package io.modvm.virtio.console;

import io.modvm.api.device.CharBackend;
import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.pci.VirtioPciTransport;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds {@code virtconsole} devices. In QEMU a virtconsole is a port on a virtio-serial bus that
 * {@code -device virtio-serial-pci} created; in modvm it is the whole thing: one virtio console PCI function whose
 * single port is the console (Linux's {@code hvc0}). QEMU's two-device form still works, because modvm's
 * {@code virtio-serial-pci} adds nothing without a chardev (see {@link VirtioSerialPciFactory}).
 */
@Component(service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + VirtconsoleFactory.TYPE, DeviceFactory.PROP_BUS + "=pci"})
public final class VirtconsoleFactory implements DeviceFactory {
    static final String TYPE = "virtconsole";
    private static final Logger LOG = LoggerFactory.getLogger(VirtconsoleFactory.class);

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
    public Device create(DeviceContext context, Map<String, String> properties) throws DeviceException {
        return plug(context, ConsoleConfig.parse(TYPE, properties, ConsoleConfig.DEFAULT_CHARDEV));
    }

    /**
     * Takes over a console saved by this or an earlier version: the same chardev, the driver's queues where they
     * were, and the host input the old instance had buffered delivered first.
     */
    @Override
    public Device restore(DeviceContext context, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        return plug(context, ConsoleConfig.parse(TYPE, properties, ConsoleConfig.DEFAULT_CHARDEV), state);
    }

    /** Plugs a console function with {@code config}'s backend; shared with {@code virtio-serial-pci}. */
    static Device plug(DeviceContext context, ConsoleConfig config) throws DeviceException {
        return plug(context, config, null);
    }

    /** Plugs a new console function, or with {@code state} restores one. */
    static Device plug(DeviceContext context, ConsoleConfig config, StateRecord state) throws DeviceException {
        CharBackend backend = context.charBackend(config.chardev());
        VirtioConsole console = new VirtioConsole(context.deviceId(), backend, config);
        Device device = VirtioPciTransport.plugOrRestore(context, console, state);
        backend.attach(console);
        LOG.debug("{}: virtio console on chardev {}", context.deviceId(), config.chardev());
        return device;
    }
}

package io.modvm.devices.emulated.serial;

import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.CharBackend;
import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.DeviceProperties;
import io.modvm.api.device.DeviceProperty;
import io.modvm.api.device.IrqLine;
import io.modvm.api.state.StateRecord;
import io.modvm.devices.emulated.support.StatefulDeviceFactory;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds {@code isa-serial} devices: a 16550A UART on the ISA bus. */
@Component(service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + SerialConfig.TYPE, DeviceFactory.PROP_BUS + "=isa"})
public final class IsaSerialFactory extends StatefulDeviceFactory {
    private static final Logger LOG = LoggerFactory.getLogger(IsaSerialFactory.class);

    @Override
    public String type() {
        return SerialConfig.TYPE;
    }

    @Override
    public String description() {
        return "16550A UART (properties: chardev, index, iobase, irq)";
    }

    @Override
    public List<DeviceProperty> properties() {
        return SerialConfig.PROPERTIES;
    }

    @Override
    protected Device build(DeviceContext context, DeviceProperties properties, StateRecord state)
            throws DeviceException {
        SerialConfig config = SerialConfig.parse(properties);
        CharBackend backend = context.backend(BackendKinds.CHARDEV, config.chardev(), CharBackend.class);
        IrqLine irq = context.irqLine(config.irq());
        Uart16550 uart = new Uart16550(context.deviceId(), irq, backend);
        restoreInto(uart, state, Uart16550::restoreState);
        try {
            context.mapPio(config.iobase(), Uart16550.PORT_COUNT, uart);
        } catch (DeviceException e) {
            uart.close();
            throw e;
        }
        if (backend != null) {
            backend.attach(uart);
        }
        LOG.debug("{}: 16550A at port {} irq {} on chardev {}", context.deviceId(),
                Integer.toHexString(config.iobase()), config.irq(), config.chardev());
        return uart;
    }
}

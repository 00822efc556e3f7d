package io.modvm.devices.emulated.i8042;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.state.StateRecord;
import io.modvm.devices.emulated.support.DeviceProperties;
import io.modvm.devices.emulated.support.StatefulDeviceFactory;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** Builds the {@code i8042} PS/2 keyboard and mouse controller at its fixed PC ports. */
@Component(service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + I8042Factory.TYPE, DeviceFactory.PROP_BUS + "=isa"})
public final class I8042Factory extends StatefulDeviceFactory {
    static final String TYPE = "i8042";
    private static final int KEYBOARD_IRQ = 1;
    private static final int AUX_IRQ = 12;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "PS/2 keyboard and mouse controller (ports 0x60/0x64, IRQ 1 and 12)";
    }

    @Override
    protected Device build(DeviceContext context, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        DeviceProperties.of(TYPE, properties);
        I8042Controller controller = new I8042Controller(context.deviceId(), context.irqLine(KEYBOARD_IRQ),
                context.irqLine(AUX_IRQ), context::requestReset);
        restoreInto(controller, state, I8042Controller::restoreState);
        context.mapPio(I8042Controller.DATA_PORT, 1, controller.dataPort());
        context.mapPio(I8042Controller.COMMAND_PORT, 1, controller.commandPort());
        return controller;
    }
}

package io.modvm.devices.emulated.i8042;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.DeviceProperties;
import io.modvm.api.device.DeviceProperty;
import io.modvm.api.state.StateRecord;
import io.modvm.devices.emulated.support.StatefulDeviceFactory;
import java.util.List;
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

    /** None: its ports and lines are fixed. */
    @Override
    public List<DeviceProperty> properties() {
        return List.of();
    }

    @Override
    protected Device build(DeviceContext context, DeviceProperties properties, StateRecord state)
            throws DeviceException {
        I8042Controller controller = new I8042Controller(context.deviceId(), context.irqLine(KEYBOARD_IRQ),
                context.irqLine(AUX_IRQ), context::requestReset);
        restoreInto(controller, state, I8042Controller::restoreState);
        context.mapPio(I8042Controller.DATA_PORT, 1, controller.dataPort());
        context.mapPio(I8042Controller.COMMAND_PORT, 1, controller.commandPort());
        return controller;
    }
}

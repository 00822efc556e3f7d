package io.modvm.devices.emulated.debugexit;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.state.StateRecord;
import io.modvm.devices.emulated.support.DeviceProperties;
import io.modvm.devices.emulated.support.StatefulDeviceFactory;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** Builds {@code isa-debug-exit}, by default two ports at 0x501 as in QEMU. */
@Component(service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + IsaDebugExitFactory.TYPE, DeviceFactory.PROP_BUS + "=isa"})
public final class IsaDebugExitFactory extends StatefulDeviceFactory {
    static final String TYPE = "isa-debug-exit";
    private static final int DEFAULT_IOBASE = 0x501;
    private static final int DEFAULT_IOSIZE = 2;
    private static final int PORT_SPACE = 0x10000;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "test exit port: writing v ends the VMM with status (v << 1) | 1 (properties: iobase, iosize)";
    }

    @Override
    protected Device build(DeviceContext context, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        DeviceProperties props = DeviceProperties.of(TYPE, properties, "iobase", "iosize");
        int iobase = (int) props.number("iobase", DEFAULT_IOBASE, 0, PORT_SPACE - 1, true);
        int iosize = (int) props.number("iosize", DEFAULT_IOSIZE, 1, PORT_SPACE, false);
        if ((long) iobase + iosize > PORT_SPACE) {
            throw new DeviceException(TYPE + ": iobase " + DeviceProperties.format(iobase, true) + " with iosize "
                    + iosize + " runs past port 0xffff; use a smaller iobase or iosize");
        }
        IsaDebugExit device = new IsaDebugExit(context.deviceId(), context::requestExit);
        restoreInto(device, state, IsaDebugExit::restoreState);
        context.mapPio(iobase, iosize, device);
        return device;
    }
}

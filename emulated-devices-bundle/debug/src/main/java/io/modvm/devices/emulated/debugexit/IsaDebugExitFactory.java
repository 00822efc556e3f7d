package io.modvm.devices.emulated.debugexit;

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

/** Builds {@code isa-debug-exit}, by default two ports at 0x501 as in QEMU. */
@Component(service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + IsaDebugExitFactory.TYPE, DeviceFactory.PROP_BUS + "=isa"})
public final class IsaDebugExitFactory extends StatefulDeviceFactory {
    static final String TYPE = "isa-debug-exit";
    private static final int DEFAULT_IOBASE = 0x501;
    private static final int DEFAULT_IOSIZE = 2;
    private static final int PORT_SPACE = 0x10000;
    private static final DeviceProperty IOBASE = DeviceProperty.integer("iobase", "first port")
            .range(0, PORT_SPACE - 1).hex().withDefault(DEFAULT_IOBASE);
    private static final List<DeviceProperty> PROPERTIES = List.of(IOBASE,
            DeviceProperty.integer("iosize", "number of ports").range(1, PORT_SPACE).withDefault(DEFAULT_IOSIZE));

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "test exit port: writing v ends the VMM with status (v << 1) | 1 (properties: iobase, iosize)";
    }

    @Override
    public List<DeviceProperty> properties() {
        return PROPERTIES;
    }

    @Override
    protected Device build(DeviceContext context, DeviceProperties properties, StateRecord state)
            throws DeviceException {
        int iobase = (int) properties.integer("iobase");
        int iosize = (int) properties.integer("iosize");
        if ((long) iobase + iosize > PORT_SPACE) {
            throw new DeviceException(TYPE + ": iobase " + IOBASE.format(iobase) + " with iosize "
                    + iosize + " runs past port 0xffff; use a smaller iobase or iosize");
        }
        IsaDebugExit device = new IsaDebugExit(context.deviceId(), context::requestExit);
        restoreInto(device, state, IsaDebugExit::restoreState);
        context.mapPio(iobase, iosize, device);
        return device;
    }
}

package io.modvm.devices.emulated.rtc;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.DeviceProperties;
import io.modvm.api.device.DeviceProperty;
import io.modvm.api.state.StateRecord;
import io.modvm.devices.emulated.support.StatefulDeviceFactory;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** Builds the {@code mc146818rtc} CMOS clock, by default at ports 0x70/0x71 on IRQ 8 as on a PC. */
@Component(service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + Mc146818RtcFactory.TYPE, DeviceFactory.PROP_BUS + "=isa"})
public final class Mc146818RtcFactory extends StatefulDeviceFactory {
    static final String TYPE = "mc146818rtc";
    private static final int DEFAULT_IOBASE = 0x70;
    private static final int DEFAULT_IRQ = 8;
    private static final List<DeviceProperty> PROPERTIES = List.of(
            DeviceProperty.integer("iobase", "first of its two ports (index, data)")
                    .range(0, 0x10000 - Mc146818Rtc.PORT_COUNT).hex().withDefault(DEFAULT_IOBASE),
            DeviceProperty.integer("irq", "ISA interrupt line").range(0, 15).withDefault(DEFAULT_IRQ));

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "MC146818 CMOS real-time clock (properties: iobase, irq)";
    }

    @Override
    public List<DeviceProperty> properties() {
        return PROPERTIES;
    }

    /** A new clock, or one that goes on from a predecessor's state: its CMOS and its offset from the host's. */
    @Override
    protected Device build(DeviceContext context, DeviceProperties properties, StateRecord state)
            throws DeviceException {
        return build(context, properties, Clock.systemUTC(), state);
    }

    /** As {@link #restore(DeviceContext, Map, StateRecord)}, following {@code clock}. */
    Device restore(DeviceContext context, Map<String, String> properties, StateRecord state, Clock clock)
            throws DeviceException {
        return build(context, checked(properties), clock, state);
    }

    /** As {@link #create(DeviceContext, Map)}, following {@code clock} instead of the host's. */
    Device create(DeviceContext context, Map<String, String> properties, Clock clock) throws DeviceException {
        return build(context, checked(properties), clock, null);
    }

    private Device build(DeviceContext context, DeviceProperties properties, Clock clock, StateRecord state)
            throws DeviceException {
        int iobase = (int) properties.integer("iobase");
        int irq = (int) properties.integer("irq");
        Mc146818Rtc rtc = new Mc146818Rtc(context.deviceId(), context.irqLine(irq), clock, context.ramSize());
        restoreInto(rtc, state, Mc146818Rtc::restoreState);
        context.mapPio(iobase, Mc146818Rtc.PORT_COUNT, rtc);
        return rtc;
    }
}

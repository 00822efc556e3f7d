package io.modvm.devices.emulated.rtc;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.state.StateRecord;
import io.modvm.devices.emulated.support.DeviceProperties;
import io.modvm.devices.emulated.support.StatefulDeviceFactory;
import java.time.Clock;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** Builds the {@code mc146818rtc} CMOS clock, by default at ports 0x70/0x71 on IRQ 8 as on a PC. */
@Component(service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + Mc146818RtcFactory.TYPE, DeviceFactory.PROP_BUS + "=isa"})
public final class Mc146818RtcFactory extends StatefulDeviceFactory {
    static final String TYPE = "mc146818rtc";
    private static final int DEFAULT_IOBASE = 0x70;
    private static final int DEFAULT_IRQ = 8;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "MC146818 CMOS real-time clock (properties: iobase, irq)";
    }

    /** A new clock, or one that goes on from a predecessor's state: its CMOS and its offset from the host's. */
    @Override
    protected Device build(DeviceContext context, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        return build(context, properties, Clock.systemUTC(), state);
    }

    /** As {@link #restore(DeviceContext, Map, StateRecord)}, following {@code clock}. */
    Device restore(DeviceContext context, Map<String, String> properties, StateRecord state, Clock clock)
            throws DeviceException {
        return build(context, properties, clock, state);
    }

    /** As {@link #create(DeviceContext, Map)}, following {@code clock} instead of the host's. */
    Device create(DeviceContext context, Map<String, String> properties, Clock clock) throws DeviceException {
        return build(context, properties, clock, null);
    }

    private Device build(DeviceContext context, Map<String, String> properties, Clock clock, StateRecord state)
            throws DeviceException {
        DeviceProperties props = DeviceProperties.of(TYPE, properties, "iobase", "irq");
        int iobase = (int) props.number("iobase", DEFAULT_IOBASE, 0, 0x10000 - Mc146818Rtc.PORT_COUNT, true);
        int irq = (int) props.number("irq", DEFAULT_IRQ, 0, 15, false);
        Mc146818Rtc rtc = new Mc146818Rtc(context.deviceId(), context.irqLine(irq), clock, context.ramSize());
        restoreInto(rtc, state, Mc146818Rtc::restoreState);
        context.mapPio(iobase, Mc146818Rtc.PORT_COUNT, rtc);
        return rtc;
    }
}

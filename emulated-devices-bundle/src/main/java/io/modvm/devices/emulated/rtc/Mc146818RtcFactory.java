package io.modvm.devices.emulated.rtc;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.devices.emulated.support.DeviceProperties;
import java.time.Clock;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** Builds the {@code mc146818rtc} CMOS clock, by default at ports 0x70/0x71 on IRQ 8 as on a PC. */
@Component(service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + Mc146818RtcFactory.TYPE, DeviceFactory.PROP_BUS + "=isa"})
public final class Mc146818RtcFactory implements DeviceFactory {
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

    @Override
    public Device create(DeviceContext context, Map<String, String> properties) throws DeviceException {
        return create(context, properties, Clock.systemUTC());
    }

    /** A clock that goes on from a predecessor's {@code mc146818rtc} state: its CMOS and its offset from the host. */
    @Override
    public Device restore(DeviceContext context, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        return restore(context, properties, state, Clock.systemUTC());
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
        if (state != null) {
            try {
                rtc.restoreState(state);
            } catch (StateException e) {
                throw new DeviceException(TYPE + ": cannot take over the saved state: " + e.getMessage());
            }
        }
        context.mapPio(iobase, Mc146818Rtc.PORT_COUNT, rtc);
        return rtc;
    }
}

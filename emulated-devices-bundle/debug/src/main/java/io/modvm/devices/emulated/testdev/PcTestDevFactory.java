package io.modvm.devices.emulated.testdev;

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

/** Builds {@code pc-testdev}, the port and MMIO test device of kvm-unit-tests, at its fixed addresses. */
@Component(service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + PcTestDevFactory.TYPE, DeviceFactory.PROP_BUS + "=isa"})
public final class PcTestDevFactory extends StatefulDeviceFactory {
    static final String TYPE = "pc-testdev";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "kvm-unit-tests test device (ports 0xe0/0xe4/0xe8, scratch MMIO at 0xe0000000)";
    }

    /** None: its ports and lines are fixed. */
    @Override
    public List<DeviceProperty> properties() {
        return List.of();
    }

    @Override
    protected Device build(DeviceContext context, DeviceProperties properties, StateRecord state)
            throws DeviceException {
        PcTestDev device = new PcTestDev(context.deviceId(), context);
        restoreInto(device, state, PcTestDev::restoreState);
        context.mapPio(PcTestDev.SCRATCH_PORT, PcTestDev.PORT_WIDTH, device.scratchPort());
        context.mapPio(PcTestDev.FLUSH_PORT, PcTestDev.PORT_WIDTH, device.flushPort());
        context.mapPio(PcTestDev.IRQ_PORT, PcTestDev.PORT_WIDTH, device.irqPort());
        context.mapMmio(PcTestDev.MMIO_BASE, PcTestDev.MMIO_LENGTH, device.mmio());
        return device;
    }
}

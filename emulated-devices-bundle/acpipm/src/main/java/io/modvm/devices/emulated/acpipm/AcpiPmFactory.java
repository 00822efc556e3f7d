package io.modvm.devices.emulated.acpipm;

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

/**
 * Builds {@code acpi-pm}, the ACPI fixed hardware. It takes no properties: the core's FADT and DSDT describe
 * exactly these ports, the SCI line and the S5 sleep type, so moving any of them would break the guest's ACPI.
 */
@Component(service = DeviceFactory.class,
        property = {DeviceFactory.PROP_TYPE + "=" + AcpiPmFactory.TYPE, DeviceFactory.PROP_BUS + "=isa"})
public final class AcpiPmFactory extends StatefulDeviceFactory {
    static final String TYPE = "acpi-pm";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "ACPI power management (PM1a at 0x600/0x604, PM timer at 0x608, SCI on IRQ 9, reset at 0xcf9)";
    }

    /** None: its ports and lines are fixed. */
    @Override
    public List<DeviceProperty> properties() {
        return List.of();
    }

    @Override
    protected Device build(DeviceContext context, DeviceProperties properties, StateRecord state)
            throws DeviceException {
        AcpiPm device = new AcpiPm(context.deviceId(), context.irqLine(AcpiPm.SCI_IRQ), context::requestPowerOff,
                context::requestReset);
        restoreInto(device, state, AcpiPm::restoreState);
        context.mapPio(AcpiPm.PM1_EVT_BLK, AcpiPm.PM1_EVT_LEN, device.eventBlock());
        context.mapPio(AcpiPm.PM1_CNT_BLK, AcpiPm.PM1_CNT_LEN, device.controlBlock());
        context.mapPio(AcpiPm.PM_TMR_BLK, AcpiPm.PM_TMR_LEN, device.timer());
        context.mapPio(AcpiPm.RESET_REG, AcpiPm.RESET_REG_LEN, device.resetControl());
        return device;
    }
}

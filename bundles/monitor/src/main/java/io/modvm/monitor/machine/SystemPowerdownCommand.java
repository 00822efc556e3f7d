package io.modvm.monitor.machine;

import io.modvm.api.machine.Machine;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** {@code system_powerdown}: presses the ACPI power button; the guest decides what to do about it. */
@Component(service = MonitorCommand.class, property = MonitorCommand.PROP_NAME + "=system_powerdown")
public final class SystemPowerdownCommand extends MachineCommand {
    @Override
    public String name() {
        return "system_powerdown";
    }

    @Override
    public String description() {
        return "send system power down event";
    }

    @Override
    Object run(Machine machine) throws MonitorException {
        if (!machine.powerDown()) {
            throw new MonitorException(MonitorException.GENERIC_ERROR,
                    "The machine has no power button (no ACPI power management device)");
        }
        return Map.of();
    }
}

package io.modvm.monitor.machine;

import io.modvm.api.machine.Machine;
import io.modvm.api.monitor.MonitorCommand;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** {@code system_reset}: a hard reset, as the reset button. */
@Component(service = MonitorCommand.class, property = MonitorCommand.PROP_NAME + "=system_reset")
public final class SystemResetCommand extends MachineCommand {
    @Override
    public String name() {
        return "system_reset";
    }

    @Override
    public String description() {
        return "reset the system";
    }

    @Override
    Object run(Machine machine) {
        machine.reset();
        return Map.of();
    }
}

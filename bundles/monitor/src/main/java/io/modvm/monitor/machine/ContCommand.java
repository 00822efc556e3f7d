package io.modvm.monitor.machine;

import io.modvm.api.machine.Machine;
import io.modvm.api.monitor.MonitorCommand;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** {@code cont}: lets the vCPUs run again. The RESUME event is the machine's to send. */
@Component(service = MonitorCommand.class, property = MonitorCommand.PROP_NAME + "=cont")
public final class ContCommand extends MachineCommand {
    @Override
    public String name() {
        return "cont";
    }

    @Override
    public String description() {
        return "resume emulation";
    }

    @Override
    Object run(Machine machine) {
        machine.resume();
        return Map.of();
    }
}

package io.modvm.monitor.machine;

import io.modvm.api.machine.Machine;
import io.modvm.api.monitor.MonitorCommand;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** {@code stop}: pauses every vCPU. The STOP event is the machine's to send, whoever paused it. */
@Component(service = MonitorCommand.class, property = MonitorCommand.PROP_NAME + "=stop")
public final class StopCommand extends MachineCommand {
    @Override
    public String name() {
        return "stop";
    }

    @Override
    public String description() {
        return "stop emulation";
    }

    @Override
    Object run(Machine machine) {
        machine.pause();
        return Map.of();
    }
}

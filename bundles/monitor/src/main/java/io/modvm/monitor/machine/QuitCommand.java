package io.modvm.monitor.machine;

import io.modvm.api.machine.Machine;
import io.modvm.api.monitor.MonitorCommand;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** {@code quit}: ends the machine and modvm with status 0, as QEMU's quit. {@link Machine#quit} only asks the machine to end, so the answer is written while the machine winds down. */
@Component(service = MonitorCommand.class, property = MonitorCommand.PROP_NAME + "=quit")
public final class QuitCommand extends MachineCommand {
    @Override
    public String name() {
        return "quit";
    }

    @Override
    public String description() {
        return "quit the emulator";
    }

    @Override
    Object run(Machine machine) {
        machine.quit(0);
        return Map.of();
    }
}

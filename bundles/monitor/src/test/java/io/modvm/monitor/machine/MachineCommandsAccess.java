package io.modvm.monitor.machine;

import io.modvm.api.machine.Machine;
import io.modvm.api.monitor.MonitorCommand;
import java.util.List;

/** The machine commands, bound to a machine as SCR would bind them, for tests outside this package. */
public final class MachineCommandsAccess {
    private MachineCommandsAccess() {
    }

    public static List<MonitorCommand> all(Machine machine) {
        List<MachineCommand> commands = List.of(new QueryStatusCommand(), new StopCommand(), new ContCommand(),
                new SystemResetCommand(), new SystemPowerdownCommand(), new QuitCommand());
        commands.forEach(c -> c.bindMachine(machine));
        return List.copyOf(commands);
    }
}

package io.modvm.monitor.command;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.monitor.hmp.HmpConsole;
import java.util.Map;

/**
 * {@code human-monitor-command}: runs one HMP line and returns what HMP prints, {@code \r\n} line ends included,
 * as QEMU does. {@code cpu-index} is checked but has no effect: no modvm HMP command depends on a current CPU.
 */
public final class HumanMonitorCommand implements MonitorCommand {
    private final HmpConsole hmp;

    public HumanMonitorCommand(HmpConsole hmp) {
        this.hmp = hmp;
    }

    @Override
    public String name() {
        return "human-monitor-command";
    }

    @Override
    public String description() {
        return "run an HMP command line and return its output";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        String line = Arguments.requireString(arguments, "command-line");
        Long cpu = Arguments.optionalInteger(arguments, "cpu-index");
        Arguments.allowOnly(arguments, "command-line", "cpu-index");
        if (cpu != null && cpu < 0) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, "Parameter 'cpu-index' expects a CPU number");
        }
        return hmp.execute(line);
    }
}

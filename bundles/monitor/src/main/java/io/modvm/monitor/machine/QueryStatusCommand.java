package io.modvm.monitor.machine;

import io.modvm.api.machine.Machine;
import io.modvm.api.machine.RunState;
import io.modvm.api.monitor.MonitorCommand;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * {@code query-status} and HMP's {@code info status}, in QEMU 7.2's shape: {@code singlestep} is always false
 * (KVM has no single-step mode here), and HMP names a state other than running or paused in parentheses.
 */
@Component(service = MonitorCommand.class, property = MonitorCommand.PROP_NAME + "=query-status")
public final class QueryStatusCommand extends MachineCommand {
    @Override
    public String name() {
        return "query-status";
    }

    @Override
    public String description() {
        return "show the current VM status (running|paused)";
    }

    @Override
    public String hmpName() {
        return "info status";
    }

    @Override
    Object run(Machine machine) {
        RunState state = machine.state();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("status", state.qmpName());
        status.put("singlestep", false);
        status.put("running", state == RunState.RUNNING);
        return status;
    }

    @Override
    public String formatHmp(Object result) {
        Map<?, ?> status = (Map<?, ?>) result;
        boolean running = Boolean.TRUE.equals(status.get("running"));
        String text = "VM status: " + (running ? "running" : "paused");
        if (!running && !RunState.PAUSED.qmpName().equals(status.get("status"))) {
            text += " (" + status.get("status") + ")";
        }
        return text + "\n";
    }
}

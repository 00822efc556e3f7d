package io.modvm.monitor.machine;

import io.modvm.api.machine.Machine;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.monitor.command.Arguments;
import java.util.Map;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * A command on the machine that runs now. There is a {@link Machine} service only while a guest runs, so the
 * reference is optional and dynamic, and a command without one fails instead of waiting. The subclasses are the
 * components; bnd takes this reference into each ({@code -dsannotations-options: inherit}). These commands take no
 * arguments; QMP and HMP spell them alike unless a subclass says otherwise.
 */
abstract class MachineCommand implements MonitorCommand {
    private volatile Machine machine;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindMachine")
    void bindMachine(Machine m) {
        machine = m;
    }

    void unbindMachine(Machine m) {
        if (machine == m) {
            machine = null;
        }
    }

    @Override
    public String hmpName() {
        return name();
    }

    @Override
    public final Object execute(Map<String, Object> arguments) throws MonitorException {
        Arguments.allowOnly(arguments);
        Machine m = machine;
        if (m == null) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, "No machine is running");
        }
        return run(m);
    }

    /** Runs the command on {@code machine}; returns the QMP result. */
    abstract Object run(Machine machine) throws MonitorException;
}

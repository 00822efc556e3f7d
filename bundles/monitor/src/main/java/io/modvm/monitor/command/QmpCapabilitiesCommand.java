package io.modvm.monitor.command;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code qmp_capabilities}. A session in negotiation handles it itself (it changes the session's state, with
 * {@link #requested} checking the arguments); reaching this command means negotiation is over, which QEMU reports
 * as CommandNotFound.
 */
public final class QmpCapabilitiesCommand implements MonitorCommand {
    public static final String NAME = "qmp_capabilities";
    /** The only capability QEMU 7.2 offers on a socket monitor. */
    public static final String OOB = "oob";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "leave capabilities negotiation and enter command mode";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        requested(arguments);
        throw new MonitorException(MonitorException.COMMAND_NOT_FOUND,
                "Capabilities negotiation is already complete, command ignored");
    }

    /** The capabilities a {@code qmp_capabilities} call asks for, checked as QEMU checks them. */
    public static Set<String> requested(Map<String, Object> arguments) throws MonitorException {
        List<Object> enable = Arguments.optionalArray(arguments, "enable");
        Arguments.allowOnly(arguments, "enable");
        Set<String> result = new LinkedHashSet<>();
        if (enable != null) {
            for (int i = 0; i < enable.size(); i++) {
                Object cap = enable.get(i);
                if (!(cap instanceof String)) {
                    throw new MonitorException(MonitorException.GENERIC_ERROR,
                            "Invalid parameter type for 'enable[" + i + "]', expected: string");
                }
                if (!OOB.equals(cap)) {
                    throw new MonitorException(MonitorException.GENERIC_ERROR,
                            "Parameter 'enable[" + i + "]' does not accept value '" + cap + "'");
                }
                result.add((String) cap);
            }
        }
        return result;
    }
}

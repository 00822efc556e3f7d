package io.modvm.core.commands;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.api.net.Nic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * QEMU's {@code query-rx-filter} ({@code name} optional): each NIC's receive filter as its driver set it, QEMU's
 * RxFilterInfo. Asking re-arms the NIC's {@code NIC_RX_FILTER_CHANGED} event, as in QEMU.
 */
public final class QueryRxFilterCommand implements MonitorCommand {
    private final Nics nics;

    public QueryRxFilterCommand(Nics nics) {
        this.nics = nics;
    }

    @Override
    public String name() {
        return "query-rx-filter";
    }

    @Override
    public String description() {
        return "the receive filters of the NICs";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        CommandArguments.allowOnly(arguments, "name");
        String name = CommandArguments.optionalString(arguments, "name");
        List<Object> filters = new ArrayList<>();
        if (name != null) {
            Nic nic = nics.list().stream().filter(n -> n.id().equals(name)).findFirst().orElse(null);
            if (nic == null) {
                throw new MonitorException(MonitorException.GENERIC_ERROR, "net client(" + name + ") isn't a NIC");
            }
            filters.add(nic.rxFilter());
            return filters;
        }
        for (Nic nic : nics.list()) {
            filters.add(nic.rxFilter());
        }
        return filters;
    }
}

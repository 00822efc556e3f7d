package io.modvm.monitor.command;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import java.util.List;
import java.util.Map;

/** {@code query-commands}: every command the table holds at this moment, as {@code [{"name": ...}]}. */
public final class QueryCommandsCommand implements MonitorCommand {
    private final CommandTable table;

    public QueryCommandsCommand(CommandTable table) {
        this.table = table;
    }

    @Override
    public String name() {
        return "query-commands";
    }

    @Override
    public String description() {
        return "list the QMP commands available now";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        Arguments.allowOnly(arguments);
        List<Object> names = table.all().stream().map(c -> (Object) Map.<String, Object>of("name", c.name()))
                .toList();
        return names;
    }
}

package io.modvm.migration.monitor;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.migration.Migrations;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code query-migrate-capabilities} / {@code info migrate_capabilities}. */
@Component(service = MonitorCommand.class, property = {MonitorCommand.PROP_NAME + "=query-migrate-capabilities",
        MonitorCommand.PROP_HMP_NAME + "=" + QueryMigrateCapabilitiesCommand.HMP_NAME})
public final class QueryMigrateCapabilitiesCommand extends MigrationCommand {
    static final String HMP_NAME = "info migrate_capabilities";

    @Activate
    public QueryMigrateCapabilitiesCommand(@Reference Migrations migrations) {
        super(migrations);
    }

    @Override
    public String name() {
        return "query-migrate-capabilities";
    }

    @Override
    public String description() {
        return "show current migration capabilities";
    }

    @Override
    public String hmpName() {
        return HMP_NAME;
    }

    @Override
    public Object execute(Map<String, Object> arguments) {
        return migrations.capabilities().all();
    }

    @Override
    public String formatHmp(Object result) {
        StringBuilder out = new StringBuilder();
        for (Object o : (List<?>) result) {
            Map<?, ?> m = (Map<?, ?>) o;
            out.append(m.get("capability")).append(": ").append(Boolean.TRUE.equals(m.get("state")) ? "on" : "off")
                    .append('\n');
        }
        return out.toString();
    }
}

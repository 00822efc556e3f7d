package io.modvm.migration.monitor;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.migration.Migrations;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code query-migrate-parameters} / {@code info migrate_parameters}. */
@Component(service = MonitorCommand.class, property = MonitorCommand.PROP_NAME + "=query-migrate-parameters")
public final class QueryMigrateParametersCommand extends MigrationCommand {
    @Activate
    public QueryMigrateParametersCommand(@Reference Migrations migrations) {
        super(migrations);
    }

    @Override
    public String name() {
        return "query-migrate-parameters";
    }

    @Override
    public String description() {
        return "show current migration parameters";
    }

    @Override
    public String hmpName() {
        return "info migrate_parameters";
    }

    @Override
    public Object execute(Map<String, Object> arguments) {
        return migrations.parameters().all();
    }

    @Override
    @SuppressWarnings("unchecked")
    public String formatHmp(Object result) {
        StringBuilder out = new StringBuilder();
        ((Map<String, Object>) result).forEach((k, v) -> {
            String shown = v instanceof Boolean b ? (b ? "on" : "off") : String.valueOf(v);
            String unit = switch (k) {
                case "downtime-limit", "x-checkpoint-delay", "announce-initial", "announce-max", "announce-step"
                        -> " ms";
                case "max-bandwidth", "xbzrle-cache-size", "max-postcopy-bandwidth" -> " bytes";
                case "cpu-throttle-initial", "cpu-throttle-increment", "max-cpu-throttle",
                        "throttle-trigger-threshold" -> "";
                default -> "";
            };
            out.append(k).append(": ").append(shown).append(unit).append('\n');
        });
        return out.toString();
    }
}

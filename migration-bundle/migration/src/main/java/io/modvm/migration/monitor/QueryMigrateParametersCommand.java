package io.modvm.migration.monitor;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.migration.Migrations;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code query-migrate-parameters} / {@code info migrate_parameters}. */
@Component(service = MonitorCommand.class, property = {MonitorCommand.PROP_NAME + "=query-migrate-parameters",
        MonitorCommand.PROP_HMP_NAME + "=" + QueryMigrateParametersCommand.HMP_NAME})
public final class QueryMigrateParametersCommand extends MigrationCommand {
    static final String HMP_NAME = "info migrate_parameters";

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
        return HMP_NAME;
    }

    @Override
    public Object execute(Map<String, Object> arguments) {
        return migrations.parameters().all();
    }

    /**
     * As QEMU 7.2's {@code info migrate_parameters}: its lines in its order and units, the strings quoted; the
     * parameters its HMP does not show (the multifd compression levels) are in QMP only.
     */
    @Override
    @SuppressWarnings("unchecked")
    public String formatHmp(Object result) {
        Map<String, Object> values = (Map<String, Object>) result;
        StringBuilder out = new StringBuilder();
        for (String[] line : HMP_LINES) {
            Object v = values.get(line[0]);
            if (v == null) {
                continue;
            }
            String shown = v instanceof Boolean b ? (b ? "on" : "off") : String.valueOf(v);
            if (line[1].equals("'")) {
                shown = "'" + shown + "'";
            } else if (!line[1].isEmpty()) {
                shown = shown + " " + line[1];
            }
            out.append(line[0]).append(": ").append(shown).append('\n');
        }
        return out.toString();
    }

    /** Each parameter QEMU's HMP shows, in its order, with its unit ({@code '} for a quoted string). */
    private static final String[][] HMP_LINES = {
        {"announce-initial", "ms"}, {"announce-max", "ms"}, {"announce-rounds", ""}, {"announce-step", "ms"},
        {"compress-level", ""}, {"compress-threads", ""}, {"compress-wait-thread", ""},
        {"decompress-threads", ""}, {"throttle-trigger-threshold", ""}, {"cpu-throttle-initial", ""},
        {"cpu-throttle-increment", ""}, {"cpu-throttle-tailslow", ""}, {"max-cpu-throttle", ""},
        {"tls-creds", "'"}, {"tls-hostname", "'"}, {"max-bandwidth", "bytes/second"}, {"downtime-limit", "ms"},
        {"x-checkpoint-delay", "ms"}, {"block-incremental", ""}, {"multifd-channels", ""},
        {"multifd-compression", ""}, {"xbzrle-cache-size", "bytes"}, {"max-postcopy-bandwidth", ""},
        {"tls-authz", "'"},
    };
}

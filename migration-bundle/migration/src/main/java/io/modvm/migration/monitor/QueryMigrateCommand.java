package io.modvm.migration.monitor;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.migration.Migrations;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code query-migrate} / {@code info migrate}: the current or last migration's status and figures. */
@Component(service = MonitorCommand.class, property = MonitorCommand.PROP_NAME + "=query-migrate")
public final class QueryMigrateCommand extends MigrationCommand {
    @Activate
    public QueryMigrateCommand(@Reference Migrations migrations) {
        super(migrations);
    }

    @Override
    public String name() {
        return "query-migrate";
    }

    @Override
    public String description() {
        return "show migration status";
    }

    @Override
    public String hmpName() {
        return "info migrate";
    }

    @Override
    public Object execute(Map<String, Object> arguments) {
        return migrations.progress().toQmp();
    }

    @Override
    @SuppressWarnings("unchecked")
    public String formatHmp(Object result) {
        Map<String, Object> m = (Map<String, Object>) result;
        StringBuilder out = new StringBuilder();
        if (m.isEmpty()) {
            return out.toString();
        }
        out.append("Migration status: ").append(m.get("status")).append('\n');
        line(out, m, "total-time", "total time", "ms");
        line(out, m, "expected-downtime", "expected downtime", "ms");
        line(out, m, "downtime", "downtime", "ms");
        line(out, m, "setup-time", "setup", "ms");
        line(out, m, "cpu-throttle-percentage", "cpu throttle percentage", "");
        Object ram = m.get("ram");
        if (ram instanceof Map<?, ?> r) {
            Map<String, Object> rm = (Map<String, Object>) r;
            kbytes(out, rm, "transferred", "transferred ram");
            out.append(String.format("throughput: %.2f mbps%n", ((Number) rm.get("mbps")).doubleValue()));
            kbytes(out, rm, "remaining", "remaining ram");
            kbytes(out, rm, "total", "total ram");
            line(out, rm, "duplicate", "duplicate", "pages");
            line(out, rm, "skipped", "skipped", "pages");
            line(out, rm, "normal", "normal", "pages");
            kbytes(out, rm, "normal-bytes", "normal bytes");
            line(out, rm, "dirty-sync-count", "dirty sync count", "");
            kbytes(out, rm, "page-size", "page size");
            line(out, rm, "dirty-pages-rate", "dirty pages rate", "pages");
            kbytes(out, rm, "precopy-bytes", "precopy ram");
            kbytes(out, rm, "downtime-bytes", "downtime ram");
        }
        if (m.get("error-desc") != null) {
            out.append("error description: ").append(m.get("error-desc")).append('\n');
        }
        return out.toString();
    }

    private static void line(StringBuilder out, Map<String, Object> m, String key, String label, String unit) {
        Object v = m.get(key);
        if (v != null) {
            out.append(label).append(": ").append(v).append(unit.isEmpty() ? "" : " " + unit).append('\n');
        }
    }

    private static void kbytes(StringBuilder out, Map<String, Object> m, String key, String label) {
        Object v = m.get(key);
        if (v instanceof Number n) {
            out.append(label).append(": ").append(n.longValue() >> 10).append(" kbytes\n");
        }
    }
}

package io.modvm.migration.monitor;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.migration.Migrations;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code query-migrate} / {@code info migrate}: the current or last migration's status and figures. */
@Component(service = MonitorCommand.class, property = {MonitorCommand.PROP_NAME + "=query-migrate",
        MonitorCommand.PROP_HMP_NAME + "=" + QueryMigrateCommand.HMP_NAME})
public final class QueryMigrateCommand extends MigrationCommand {
    static final String HMP_NAME = "info migrate";

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
        return HMP_NAME;
    }

    @Override
    public Object execute(Map<String, Object> arguments) {
        return migrations.progress().toQmp();
    }

    /**
     * QEMU's global migration properties as 7.2's {@code info migrate} opens with them: modvm has no such settings,
     * and its stream behaves as QEMU's does at these defaults (the run state travels, the configuration is
     * checked), so the lines a script skips over are there as it expects.
     */
    private static final String GLOBALS = "globals:\nstore-global-state: on\nonly-migratable: off\n"
            + "send-configuration: on\nsend-section-footer: on\ndecompress-error-check: on\nclear-bitmap-shift: 18\n";

    /** As QEMU 7.2's {@code info migrate}: the globals, then the status and figures in its order and units. */
    @Override
    @SuppressWarnings("unchecked")
    public String formatHmp(Object result) {
        Map<String, Object> m = (Map<String, Object>) result;
        StringBuilder out = new StringBuilder(GLOBALS);
        if (m.isEmpty()) {
            return out.toString();
        }
        out.append("Migration status: ").append(m.get("status"));
        if ("failed".equals(m.get("status")) && m.get("error-desc") != null) {
            out.append(" (").append(m.get("error-desc")).append(')');
        }
        out.append('\n');
        out.append("total time: ").append(m.getOrDefault("total-time", 0L)).append(" ms\n");
        line(out, m, "expected-downtime", "expected downtime", " ms");
        line(out, m, "downtime", "downtime", " ms");
        line(out, m, "setup-time", "setup", " ms");
        if (m.get("ram") instanceof Map<?, ?> r) {
            Map<String, Object> rm = (Map<String, Object>) r;
            kbytes(out, rm, "transferred", "transferred ram");
            out.append(String.format("throughput: %.2f mbps%n", ((Number) rm.get("mbps")).doubleValue()));
            kbytes(out, rm, "remaining", "remaining ram");
            kbytes(out, rm, "total", "total ram");
            line(out, rm, "duplicate", "duplicate", " pages");
            line(out, rm, "skipped", "skipped", " pages");
            line(out, rm, "normal", "normal", " pages");
            kbytes(out, rm, "normal-bytes", "normal bytes");
            line(out, rm, "dirty-sync-count", "dirty sync count", "");
            kbytes(out, rm, "page-size", "page size");
            kbytes(out, rm, "multifd-bytes", "multifd bytes");
            line(out, rm, "pages-per-second", "pages-per-second", "");
            if (nonZero(rm, "dirty-pages-rate")) {
                line(out, rm, "dirty-pages-rate", "dirty pages rate", " pages");
            }
            if (nonZero(rm, "precopy-bytes")) {
                kbytes(out, rm, "precopy-bytes", "precopy ram");
            }
            if (nonZero(rm, "downtime-bytes")) {
                kbytes(out, rm, "downtime-bytes", "downtime ram");
            }
            if (nonZero(rm, "postcopy-bytes")) {
                kbytes(out, rm, "postcopy-bytes", "postcopy ram");
            }
        }
        if (m.get("disk") instanceof Map<?, ?> d) {
            Map<String, Object> dm = (Map<String, Object>) d;
            kbytes(out, dm, "transferred", "transferred disk");
            kbytes(out, dm, "remaining", "remaining disk");
            kbytes(out, dm, "total", "total disk");
        }
        line(out, m, "cpu-throttle-percentage", "cpu throttle percentage", "");
        return out.toString();
    }

    private static boolean nonZero(Map<String, Object> m, String key) {
        return m.get(key) instanceof Number n && n.doubleValue() != 0;
    }

    private static void line(StringBuilder out, Map<String, Object> m, String key, String label, String unit) {
        Object v = m.get(key);
        if (v != null) {
            out.append(label).append(": ").append(v).append(unit).append('\n');
        }
    }

    private static void kbytes(StringBuilder out, Map<String, Object> m, String key, String label) {
        Object v = m.get(key);
        if (v instanceof Number n) {
            out.append(label).append(": ").append(n.longValue() >> 10).append(" kbytes\n");
        }
    }
}

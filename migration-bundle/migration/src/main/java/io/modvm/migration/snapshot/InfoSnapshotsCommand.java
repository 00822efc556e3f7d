package io.modvm.migration.snapshot;

import io.modvm.api.migration.MigrationException;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.block.SnapshotInfo;
import io.modvm.migration.Migrations;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** HMP {@code info snapshots}: the snapshots present on all snapshot disks, in QEMU's table. */
@Component(service = MonitorCommand.class, property = {MonitorCommand.PROP_NAME + "=__io.modvm_query-snapshots",
        MonitorCommand.PROP_HMP_NAME + "=" + InfoSnapshotsCommand.HMP_NAME})
public final class InfoSnapshotsCommand extends SnapshotCommand {
    static final String HMP_NAME = "info snapshots";

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    @Activate
    public InfoSnapshotsCommand(@Reference Migrations migrations) {
        super(migrations);
    }

    @Override
    public String name() {
        return "__io.modvm_query-snapshots";
    }

    @Override
    public String description() {
        return "show the currently saved VM snapshots";
    }

    @Override
    public String hmpName() {
        return HMP_NAME;
    }

    @Override
    public String hmpArguments() {
        return "";
    }

    @Override
    public Map<String, Object> parseHmp(String text) throws MonitorException {
        return Map.of();
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        List<Object> out = new ArrayList<>();
        try {
            for (SnapshotInfo s : snapshots().list()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", s.id());
                m.put("name", s.name());
                m.put("vm-state-size", s.vmStateSize());
                m.put("date-sec", s.date().getEpochSecond());
                m.put("date-nsec", (long) s.date().getNano());
                m.put("vm-clock-sec", s.vmClockNanos() / 1_000_000_000L);
                m.put("vm-clock-nsec", s.vmClockNanos() % 1_000_000_000L);
                m.put("icount", s.icount());
                out.add(m);
            }
        } catch (MigrationException e) {
            throw error(e);
        }
        return out;
    }

    @Override
    public String formatHmp(Object result) {
        List<?> list = (List<?>) result;
        if (list.isEmpty()) {
            return "There is no snapshot available.\n";
        }
        StringBuilder out = new StringBuilder("List of snapshots present on all disks:\n");
        out.append(String.format("%-10s%-17s%8s%20s%13s%11s%n", "ID", "TAG", "VM SIZE", "DATE", "VM CLOCK",
                "ICOUNT"));
        for (Object o : list) {
            Map<?, ?> m = (Map<?, ?>) o;
            long clock = (Long) m.get("vm-clock-sec");
            out.append(String.format("%-10s%-17s%8s%20s%13s%11s%n", "--", m.get("name"),
                    size((Long) m.get("vm-state-size")),
                    DATE.format(java.time.Instant.ofEpochSecond((Long) m.get("date-sec"))),
                    String.format("%02d:%02d:%02d.%03d", clock / 3600, clock / 60 % 60, clock % 60,
                            (Long) m.get("vm-clock-nsec") / 1_000_000), ""));
        }
        return out.toString();
    }

    private static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.3g %s", v, units[u]);
    }
}

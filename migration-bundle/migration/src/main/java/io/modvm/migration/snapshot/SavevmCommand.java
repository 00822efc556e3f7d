package io.modvm.migration.snapshot;

import io.modvm.api.migration.MigrationException;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.migration.Migrations;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** HMP {@code savevm [TAG]}: a snapshot of the whole machine inside its qcow2 disks; without a tag, a dated one. */
@Component(service = MonitorCommand.class, property = {MonitorCommand.PROP_NAME + "=__io.modvm_savevm",
        MonitorCommand.PROP_HMP_NAME + "=" + SavevmCommand.HMP_NAME})
public final class SavevmCommand extends SnapshotCommand {
    static final String HMP_NAME = "savevm";

    private static final DateTimeFormatter AUTO_TAG = DateTimeFormatter.ofPattern("'vm-'yyyyMMddHHmmss")
            .withZone(ZoneId.systemDefault());

    @Activate
    public SavevmCommand(@Reference Migrations migrations) {
        super(migrations);
    }

    @Override
    public String name() {
        return "__io.modvm_savevm";
    }

    @Override
    public String description() {
        return "save a VM snapshot. If no tag is provided, a new snapshot is created";
    }

    @Override
    public String hmpName() {
        return HMP_NAME;
    }

    @Override
    public String hmpArguments() {
        return "[tag]";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        String tag = tag(arguments, false);
        try {
            String name = tag == null ? AUTO_TAG.format(Instant.now()) : tag;
            Snapshots snapshots = snapshots();
            exclusively(() -> snapshots.save(name));
        } catch (MigrationException e) {
            throw error(e);
        }
        return Map.of();
    }

    @Override
    public Map<String, Object> parseHmp(String text) throws MonitorException {
        return text.isBlank() ? Map.of() : super.parseHmp(text);
    }
}

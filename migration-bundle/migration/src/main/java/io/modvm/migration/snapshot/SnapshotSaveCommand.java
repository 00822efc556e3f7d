package io.modvm.migration.snapshot;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.block.InternalSnapshots;
import io.modvm.migration.Migrations;
import io.modvm.migration.jobs.Jobs;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** QMP {@code snapshot-save} {job-id, tag, vmstate, devices}: as HMP savevm, as a job. */
@Component(service = MonitorCommand.class, property = MonitorCommand.PROP_NAME + "=snapshot-save")
public final class SnapshotSaveCommand extends SnapshotJobCommand {
    @Activate
    public SnapshotSaveCommand(@Reference Migrations migrations, @Reference Jobs jobs) {
        super(migrations, jobs, true);
    }

    @Override
    public String name() {
        return "snapshot-save";
    }

    @Override
    public String description() {
        return "Save a VM snapshot";
    }

    @Override
    void work(Snapshots snapshots, String tag, Map<String, InternalSnapshots> disks) throws Exception {
        snapshots.saveNew(tag, disks);
    }
}

package io.modvm.migration.snapshot;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.block.InternalSnapshots;
import io.modvm.migration.Migrations;
import io.modvm.migration.jobs.Jobs;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** QMP {@code snapshot-delete} {job-id, tag, devices}: as HMP delvm, as a job. */
@Component(service = MonitorCommand.class, property = MonitorCommand.PROP_NAME + "=snapshot-delete")
public final class SnapshotDeleteCommand extends SnapshotJobCommand {
    @Activate
    public SnapshotDeleteCommand(@Reference Migrations migrations, @Reference Jobs jobs) {
        super(migrations, jobs, false);
    }

    @Override
    public String name() {
        return "snapshot-delete";
    }

    @Override
    public String description() {
        return "Delete a VM snapshot";
    }

    @Override
    void work(Snapshots snapshots, String tag, Map<String, InternalSnapshots> disks) throws Exception {
        snapshots.delete(tag, disks);
    }
}

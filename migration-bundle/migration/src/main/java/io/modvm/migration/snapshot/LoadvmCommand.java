package io.modvm.migration.snapshot;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.migration.Migrations;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** HMP {@code loadvm TAG}: the machine and its qcow2 disks go back to the snapshot. */
@Component(service = MonitorCommand.class, property = {MonitorCommand.PROP_NAME + "=__io.modvm_loadvm",
        MonitorCommand.PROP_HMP_NAME + "=" + LoadvmCommand.HMP_NAME})
public final class LoadvmCommand extends SnapshotCommand {
    static final String HMP_NAME = "loadvm";

    @Activate
    public LoadvmCommand(@Reference Migrations migrations) {
        super(migrations);
    }

    @Override
    public String name() {
        return "__io.modvm_loadvm";
    }

    @Override
    public String description() {
        return "restore a VM snapshot from its tag or id";
    }

    @Override
    public String hmpName() {
        return HMP_NAME;
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        onTag(arguments, Snapshots::load);
        return Map.of();
    }
}

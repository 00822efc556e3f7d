package io.modvm.migration.snapshot;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.migration.Migrations;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** HMP {@code delvm TAG}: deletes the snapshot from every disk that has it. */
@Component(service = MonitorCommand.class, property = {MonitorCommand.PROP_NAME + "=__io.modvm_delvm",
        MonitorCommand.PROP_HMP_NAME + "=" + DelvmCommand.HMP_NAME})
public final class DelvmCommand extends SnapshotCommand {
    static final String HMP_NAME = "delvm";

    @Activate
    public DelvmCommand(@Reference Migrations migrations) {
        super(migrations);
    }

    @Override
    public String name() {
        return "__io.modvm_delvm";
    }

    @Override
    public String description() {
        return "delete a VM snapshot from its tag or id";
    }

    @Override
    public String hmpName() {
        return HMP_NAME;
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        onTag(arguments, Snapshots::delete);
        return Map.of();
    }
}

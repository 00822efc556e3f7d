package io.modvm.migration.monitor;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.migration.Migrations;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code migrate_cancel}: stops the outgoing migration; the guest goes on running here. */
@Component(service = MonitorCommand.class, property = {MonitorCommand.PROP_NAME + "=migrate_cancel",
        MonitorCommand.PROP_HMP_NAME + "=" + MigrateCancelCommand.HMP_NAME})
public final class MigrateCancelCommand extends MigrationCommand {
    static final String HMP_NAME = "migrate_cancel";

    @Activate
    public MigrateCancelCommand(@Reference Migrations migrations) {
        super(migrations);
    }

    @Override
    public String name() {
        return "migrate_cancel";
    }

    @Override
    public String description() {
        return "cancel the current VM migration";
    }

    @Override
    public String hmpName() {
        return HMP_NAME;
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        migrations.cancel();
        return Map.of();
    }
}

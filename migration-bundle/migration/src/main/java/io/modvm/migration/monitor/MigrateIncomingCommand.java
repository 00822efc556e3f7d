package io.modvm.migration.monitor;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.migration.Migrations;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code migrate-incoming URI}: where a machine started with {@code -incoming defer} waits for its source. */
@Component(service = MonitorCommand.class, property = {MonitorCommand.PROP_NAME + "=migrate-incoming",
        MonitorCommand.PROP_HMP_NAME + "=" + MigrateIncomingCommand.HMP_NAME})
public final class MigrateIncomingCommand extends MigrationCommand {
    static final String HMP_NAME = "migrate_incoming";

    @Activate
    public MigrateIncomingCommand(@Reference Migrations migrations) {
        super(migrations);
    }

    @Override
    public String name() {
        return "migrate-incoming";
    }

    @Override
    public String description() {
        return "Continue an incoming migration using separately specified URI";
    }

    @Override
    public String hmpName() {
        return HMP_NAME;
    }

    @Override
    public String hmpArguments() {
        return "uri";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        String uri = string(arguments, "uri");
        run(() -> migrations.migrateIncoming(uri));
        return Map.of();
    }

    @Override
    public Map<String, Object> parseHmp(String text) throws MonitorException {
        if (text.isBlank()) {
            throw error("Parameter 'uri' is missing");
        }
        return Map.of("uri", text.trim());
    }
}

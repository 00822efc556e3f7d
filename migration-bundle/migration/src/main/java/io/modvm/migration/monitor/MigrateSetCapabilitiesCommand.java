package io.modvm.migration.monitor;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.migration.Migrations;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code migrate-set-capabilities} / HMP {@code migrate_set_capability NAME on|off}. */
@Component(service = MonitorCommand.class, property = {MonitorCommand.PROP_NAME + "=migrate-set-capabilities",
        MonitorCommand.PROP_HMP_NAME + "=" + MigrateSetCapabilitiesCommand.HMP_NAME})
public final class MigrateSetCapabilitiesCommand extends MigrationCommand {
    static final String HMP_NAME = "migrate_set_capability";

    @Activate
    public MigrateSetCapabilitiesCommand(@Reference Migrations migrations) {
        super(migrations);
    }

    @Override
    public String name() {
        return "migrate-set-capabilities";
    }

    @Override
    public String description() {
        return "Enable/Disable the usage of a capability for migration";
    }

    @Override
    public String hmpName() {
        return HMP_NAME;
    }

    @Override
    public String hmpArguments() {
        return "capability state";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        Object list = arguments.get("capabilities");
        if (!(list instanceof List<?> items)) {
            throw error(list == null ? "Parameter 'capabilities' is missing"
                    : "Invalid parameter type for 'capabilities', expected: array");
        }
        Map<String, Boolean> changes = new LinkedHashMap<>();
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> m) || !(m.get("capability") instanceof String name)
                    || !(m.get("state") instanceof Boolean state)) {
                throw error("Invalid parameter type for 'capabilities', expected: MigrationCapabilityStatus"
                        + " ({\"capability\": NAME, \"state\": BOOL})");
            }
            changes.put(name, state);
        }
        run(() -> migrations.capabilities().set(changes));
        return Map.of();
    }

    @Override
    public Map<String, Object> parseHmp(String text) throws MonitorException {
        String[] words = text.trim().split("\\s+");
        if (words.length != 2 || !(words[1].equals("on") || words[1].equals("off"))) {
            throw error("migrate_set_capability: expected a capability name and on or off");
        }
        return Map.of("capabilities", List.of(Map.of("capability", words[0], "state", words[1].equals("on"))));
    }
}

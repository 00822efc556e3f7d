package io.modvm.migration.monitor;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.migration.Migrations;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code migrate-set-parameters} / HMP {@code migrate_set_parameter NAME VALUE}. HMP takes sizes with a suffix for
 * {@code max-bandwidth} ({@code 100M}, bytes per second; a bare number is MiB/s there, as in QEMU) and
 * milliseconds for {@code downtime-limit}.
 */
@Component(service = MonitorCommand.class, property = {MonitorCommand.PROP_NAME + "=migrate-set-parameters",
        MonitorCommand.PROP_HMP_NAME + "=" + MigrateSetParametersCommand.HMP_NAME})
public final class MigrateSetParametersCommand extends MigrationCommand {
    static final String HMP_NAME = "migrate_set_parameter";

    @Activate
    public MigrateSetParametersCommand(@Reference Migrations migrations) {
        super(migrations);
    }

    @Override
    public String name() {
        return "migrate-set-parameters";
    }

    @Override
    public String description() {
        return "Set the parameter for migration";
    }

    @Override
    public String hmpName() {
        return HMP_NAME;
    }

    @Override
    public String hmpArguments() {
        return "parameter value";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        run(() -> migrations.parameters().set(arguments));
        return Map.of();
    }

    @Override
    public Map<String, Object> parseHmp(String text) throws MonitorException {
        String[] words = text.trim().split("\\s+");
        if (words.length != 2 || words[0].isEmpty()) {
            throw error("migrate_set_parameter: expected a parameter name and a value");
        }
        String name = words[0];
        String value = words[1];
        Object current = migrations.parameters().all().get(name);
        if (current == null) {
            throw error("Parameter '" + name + "' is unexpected");
        }
        if (current instanceof Boolean) {
            if (!value.equals("on") && !value.equals("off")) {
                throw error("Parameter '" + name + "' expects 'on' or 'off'");
            }
            return Map.of(name, value.equals("on"));
        }
        if (current instanceof String) {
            return Map.of(name, value);
        }
        return Map.of(name, number(name, value));
    }

    private static long number(String name, String value) throws MonitorException {
        long unit = 1;
        String digits = value;
        char last = Character.toUpperCase(value.charAt(value.length() - 1));
        int shift = "BKMGT".indexOf(last);
        if (shift >= 0 && name.equals("max-bandwidth")) {
            unit = 1L << (10 * shift);
            digits = value.substring(0, value.length() - 1);
        } else if (name.equals("max-bandwidth")) {
            unit = 1L << 20;
        }
        try {
            long n = Long.parseLong(digits);
            if (n < 0 || n > Long.MAX_VALUE / unit) {
                throw error("Parameter '" + name + "': " + value + " is out of range");
            }
            return n * unit;
        } catch (NumberFormatException e) {
            throw error("Parameter '" + name + "' expects a number, not '" + value + "'");
        }
    }
}

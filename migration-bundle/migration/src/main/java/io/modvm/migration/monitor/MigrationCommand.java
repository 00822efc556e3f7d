package io.modvm.migration.monitor;

import io.modvm.api.migration.MigrationException;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.migration.Migrations;
import java.util.Map;

/** What the migration commands share: the {@link Migrations} they act through and QMP argument checks. */
abstract class MigrationCommand implements MonitorCommand {
    final Migrations migrations;

    MigrationCommand(Migrations migrations) {
        this.migrations = migrations;
    }

    static String string(Map<String, Object> args, String name) throws MonitorException {
        Object v = args.get(name);
        if (v == null) {
            throw error("Parameter '" + name + "' is missing");
        }
        if (!(v instanceof String s)) {
            throw error("Invalid parameter type for '" + name + "', expected: string");
        }
        return s;
    }

    static boolean flag(Map<String, Object> args, String name) throws MonitorException {
        Object v = args.get(name);
        if (v == null) {
            return false;
        }
        if (!(v instanceof Boolean b)) {
            throw error("Invalid parameter type for '" + name + "', expected: boolean");
        }
        return b;
    }

    static MonitorException error(String message) {
        return new MonitorException(MonitorException.GENERIC_ERROR, message);
    }

    /** Runs {@code action}, turning its exceptions into the monitor's one-line errors. */
    static void run(Action action) throws MonitorException {
        try {
            action.run();
        } catch (MigrationException | IllegalArgumentException | IllegalStateException e) {
            throw error(e.getMessage());
        }
    }

    @FunctionalInterface
    interface Action {
        void run() throws MigrationException;
    }
}

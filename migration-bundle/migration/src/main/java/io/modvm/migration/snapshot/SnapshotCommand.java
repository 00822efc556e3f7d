package io.modvm.migration.snapshot;

import io.modvm.api.migration.MigrationException;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.migration.Migrations;
import java.util.Map;

/**
 * What the snapshot commands share. They are HMP commands in QEMU 7.2 (its QMP has jobs instead), so their QMP
 * names are vendor names, as QEMU's own extensions are spelled.
 */
abstract class SnapshotCommand implements MonitorCommand {
    private final Migrations migrations;

    SnapshotCommand(Migrations migrations) {
        this.migrations = migrations;
    }

    Snapshots snapshots() throws MonitorException {
        try {
            return new Snapshots(migrations.machine());
        } catch (IllegalStateException e) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, e.getMessage());
        }
    }

    /** Runs a snapshot operation with migrations kept out. */
    <T> T exclusively(Migrations.Exclusive<T> operation) throws MigrationException {
        return migrations.exclusively(operation);
    }

    /** What loadvm and delvm do with their tag. */
    @FunctionalInterface
    interface TagOperation {
        void apply(Snapshots snapshots, String tag) throws MigrationException;
    }

    /** Runs {@code operation} on the required {@code tag} argument, with migrations kept out. */
    void onTag(Map<String, Object> arguments, TagOperation operation) throws MonitorException {
        String tag = tag(arguments, true);
        Snapshots snapshots = snapshots();
        try {
            exclusively(() -> {
                operation.apply(snapshots, tag);
                return null;
            });
        } catch (MigrationException e) {
            throw error(e);
        }
    }

    static MonitorException error(MigrationException e) {
        return new MonitorException(MonitorException.GENERIC_ERROR, e.getMessage());
    }

    static String tag(Map<String, Object> arguments, boolean required) throws MonitorException {
        Object v = arguments.get("tag");
        if (v == null && !required) {
            return null;
        }
        if (!(v instanceof String s) || s.isEmpty()) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, "Parameter 'tag' is missing");
        }
        return s;
    }

    @Override
    public String hmpArguments() {
        return "tag";
    }

    @Override
    public Map<String, Object> parseHmp(String text) throws MonitorException {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, "Parameter 'tag' is missing");
        }
        return Map.of("tag", t);
    }
}

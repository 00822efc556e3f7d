package io.modvm.migration.snapshot;

import io.modvm.api.migration.MigratableMachine;
import io.modvm.api.migration.MigrationException;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.block.InternalSnapshots;
import io.modvm.migration.Migrations;
import io.modvm.migration.jobs.Jobs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * QMP's {@code snapshot-save}, {@code snapshot-load} and {@code snapshot-delete} (QEMU 7.2): the arguments are
 * checked at once, the work runs as a job that {@code query-jobs} shows until {@code job-dismiss}.
 */
abstract class SnapshotJobCommand implements MonitorCommand {
    private final Migrations migrations;
    private final Jobs jobs;
    private final boolean needsVmstate;

    SnapshotJobCommand(Migrations migrations, Jobs jobs, boolean needsVmstate) {
        this.migrations = migrations;
        this.jobs = jobs;
        this.needsVmstate = needsVmstate;
    }

    /** The job's work on the chosen disks. */
    abstract void work(Snapshots snapshots, String tag, Map<String, InternalSnapshots> disks) throws Exception;

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        String jobId = string(arguments, "job-id");
        String tag = string(arguments, "tag");
        String vmstate = needsVmstate ? string(arguments, "vmstate") : null;
        if (!(arguments.get("devices") instanceof List<?> list)) {
            throw error(arguments.containsKey("devices") ? "Invalid parameter type for 'devices', expected: array"
                    : "Parameter 'devices' is missing");
        }
        List<String> devices = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw error("Invalid parameter type for 'devices', expected: array of strings");
            }
            devices.add(s);
        }
        MigratableMachine machine;
        try {
            machine = migrations.machine();
        } catch (IllegalStateException e) {
            throw error(e.getMessage());
        }
        Snapshots snapshots = new Snapshots(machine);
        try {
            jobs.start(jobId, name(), () -> migrations.exclusively(() -> {
                try {
                    work(snapshots, tag, snapshots.disks(vmstate, devices));
                } catch (MigrationException e) {
                    throw e;
                } catch (Exception e) {
                    throw new MigrationException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
                }
                return null;
            }));
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
        return Map.of();
    }

    private static String string(Map<String, Object> args, String name) throws MonitorException {
        Object v = args.get(name);
        if (!(v instanceof String s)) {
            throw error(v == null ? "Parameter '" + name + "' is missing"
                    : "Invalid parameter type for '" + name + "', expected: string");
        }
        return s;
    }

    private static MonitorException error(String message) {
        return new MonitorException(MonitorException.GENERIC_ERROR, message);
    }
}

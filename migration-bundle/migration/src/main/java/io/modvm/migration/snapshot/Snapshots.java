package io.modvm.migration.snapshot;

import io.modvm.api.machine.Machine;
import io.modvm.api.machine.RunState;
import io.modvm.api.migration.MigratableMachine;
import io.modvm.api.migration.MigrationException;
import io.modvm.api.migration.RamBlock;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.block.InternalSnapshots;
import io.modvm.block.SnapshotInfo;
import io.modvm.migration.stream.StreamReader;
import io.modvm.migration.stream.StreamWriter;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code savevm}, {@code loadvm}, {@code delvm} and {@code info snapshots}: the machine state as a migration stream
 * in the first qcow2 disk's VM state area, and an internal snapshot of every qcow2 disk under the same tag, as
 * QEMU keeps them (so {@code qemu-img snapshot -l} lists them and {@code -a} applies them).
 */
public final class Snapshots {
    private final MigratableMachine machine;

    public Snapshots(MigratableMachine machine) {
        this.machine = machine;
    }

    /** {@code savevm TAG}: replaces a snapshot of that name or id. The guest runs on afterwards if it ran before. */
    public SnapshotInfo save(String tag) throws MigrationException {
        return save(tag, SnapshotDisks.of(machine));
    }

    /**
     * QMP's {@code snapshot-save}: as {@link #save(String)} on the disks QMP names, the VM state on the first, but a
     * tag in use is an error rather than replaced.
     */
    public SnapshotInfo saveNew(String tag, Map<String, InternalSnapshots> disks) throws MigrationException {
        for (InternalSnapshots d : disks.values()) {
            if (d.find(tag).isPresent()) {
                throw new MigrationException("Snapshot '" + tag + "' already exists in one or more devices");
            }
        }
        return save(tag, disks);
    }

    /** As {@link #save(String)}, on {@code disks}, the VM state on the first. */
    private SnapshotInfo save(String tag, Map<String, InternalSnapshots> disks) throws MigrationException {
        Machine m = machine.machine();
        boolean wasRunning = machine.stopGuest();
        machine.showState(RunState.SAVE_VM);
        boolean saved = false;
        try {
            StateRecord state = machine.saveState();
            saved = true;
            InternalSnapshots vmstate = disks.values().iterator().next();
            for (InternalSnapshots d : disks.values()) {
                Optional<SnapshotInfo> old = d.find(tag);
                if (old.isPresent()) {
                    d.delete(old.get().id());
                }
            }
            VmStateStreams.Counting out = new VmStateStreams.Counting(vmstate);
            StreamWriter w = new StreamWriter(out);
            w.header(machine.describe());
            List<RamBlock> ram = machine.ram();
            for (int b = 0; b < ram.size(); b++) {
                w.pages(b, ram.get(b), null, n -> { });
            }
            w.passEnd(1);
            w.state(state);
            w.end();
            Instant now = Instant.now();
            long clock = guestClockNanos(state);
            SnapshotInfo made = null;
            for (InternalSnapshots d : disks.values()) {
                SnapshotInfo s = d.create(tag, d == vmstate ? out.written() : 0, now, clock);
                if (made == null) {
                    made = s;
                }
            }
            return made;
        } catch (StateException e) {
            throw new MigrationException("Error: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MigrationException("Error while writing VM state: " + e.getMessage()
                    + " (the snapshot was not taken; free space on the disk and try again)", e);
        } finally {
            if (saved) {
                machine.resumeDevices();
            }
            machine.showState(null);
            if (wasRunning) {
                m.resume();
            }
        }
    }

    /**
     * {@code loadvm TAG}: every qcow2 disk goes back to the snapshot and the machine to its state. The guest runs
     * afterwards if it ran before; a machine started with {@code -loadvm} is let run by its caller.
     */
    public void load(String tag) throws MigrationException {
        load(tag, SnapshotDisks.of(machine));
    }

    /** As {@link #load(String)}, from the disks QMP names, the VM state on the first. */
    public void load(String tag, Map<String, InternalSnapshots> disks) throws MigrationException {
        InternalSnapshots vmstate = disks.values().iterator().next();
        SnapshotInfo info = null;
        for (Map.Entry<String, InternalSnapshots> d : disks.entrySet()) {
            Optional<SnapshotInfo> s = d.getValue().find(tag);
            if (s.isEmpty()) {
                throw new MigrationException("Snapshot '" + tag + "' does not exist in one or more devices (it is"
                        + " missing on '" + d.getKey() + "'; info snapshots lists the ones on all)");
            }
            if (d.getValue() == vmstate) {
                info = s.get();
            }
        }
        if (info.vmStateSize() == 0) {
            throw new MigrationException("This is a disk-only snapshot. Revert to it offline using qemu-img");
        }
        Machine m = machine.machine();
        // -loadvm at start: the machine is held until the load ends, and the load does not pause it again.
        boolean wasRunning = m.state() != RunState.RESTORE_VM && machine.stopGuest();
        boolean loaded = false;
        try {
            for (Map.Entry<String, InternalSnapshots> d : disks.entrySet()) {
                d.getValue().goTo(d.getValue().find(tag).get().id());
            }
            StreamReader r = new StreamReader(VmStateStreams.reader(vmstate, info.vmStateSize()));
            StateRecord source = r.header();
            List<String> differences = machine.differences(source);
            if (!differences.isEmpty()) {
                throw new MigrationException("snapshot '" + tag + "' was taken on another machine: "
                        + String.join("; ", differences));
            }
            machine.restoreState(r.load(machine.ram()).state());
            loaded = true;
        } catch (IOException e) {
            throw new MigrationException("Error while loading snapshot '" + tag + "': " + e.getMessage()
                    + " (the guest stays paused)", e);
        } catch (StateException e) {
            throw new MigrationException("Error while loading snapshot '" + tag + "': " + e.getMessage()
                    + " (the guest stays paused)", e);
        } finally {
            // A load that failed half-way leaves a machine that must not run: it stays paused, as in QEMU.
            if (wasRunning && loaded) {
                m.resume();
            }
        }
    }

    /** {@code delvm TAG}: from every disk that has it. */
    public void delete(String tag) throws MigrationException {
        delete(tag, SnapshotDisks.of(machine));
    }

    /** As {@link #delete(String)}, on the disks QMP names. */
    public void delete(String tag, Map<String, InternalSnapshots> disks) throws MigrationException {
        boolean found = false;
        try {
            for (InternalSnapshots d : disks.values()) {
                Optional<SnapshotInfo> s = d.find(tag);
                if (s.isPresent()) {
                    d.delete(s.get().id());
                    found = true;
                }
            }
        } catch (IOException e) {
            throw new MigrationException("Error while deleting snapshot '" + tag + "': " + e.getMessage(), e);
        }
        if (!found) {
            throw new MigrationException("Snapshot '" + tag + "' not found");
        }
    }

    /** The disks QMP names, for the map-taking forms. */
    public Map<String, InternalSnapshots> disks(String vmstate, List<String> devices) throws MigrationException {
        return SnapshotDisks.named(machine, vmstate, devices);
    }

    /** The snapshots of the VM state disk that every other snapshot disk has too, as {@code info snapshots}. */
    public List<SnapshotInfo> list() throws MigrationException {
        Map<String, InternalSnapshots> disks = SnapshotDisks.of(machine);
        List<SnapshotInfo> out = new ArrayList<>();
        InternalSnapshots first = disks.values().iterator().next();
        for (SnapshotInfo s : first.list()) {
            if (disks.values().stream().allMatch(d -> d.find(s.name()).isPresent())) {
                out.add(s);
            }
        }
        return out;
    }

    /** The guest's clock at the save, as the accelerator recorded it; 0 if its record does not say. */
    private static long guestClockNanos(StateRecord state) {
        try {
            StateRecord vm = state.getRecord("vm");
            return vm.has("clock") ? vm.getLong("clock") : 0;
        } catch (StateException e) {
            return 0;
        }
    }
}

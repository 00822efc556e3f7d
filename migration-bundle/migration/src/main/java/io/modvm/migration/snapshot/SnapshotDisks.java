package io.modvm.migration.snapshot;

import io.modvm.api.backend.Backend;
import io.modvm.api.backend.BackendKinds;
import io.modvm.api.migration.MigratableMachine;
import io.modvm.api.migration.MigrationException;
import io.modvm.block.BlockNode;
import io.modvm.block.InternalSnapshots;
import io.modvm.migration.disks.MachineDisks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The disks a snapshot goes to, found as QEMU finds them: every writable block node must hold internal snapshots
 * (qcow2), and the first one also holds the machine state. Format nodes only: the file node under a qcow2 node is
 * the same image.
 */
final class SnapshotDisks {
    private SnapshotDisks() {
    }

    /**
     * The snapshot stores by node id, the VM state one first.
     *
     * @throws MigrationException with QEMU's message when a writable disk cannot hold a snapshot or there is none
     */
    static Map<String, InternalSnapshots> of(MigratableMachine machine) throws MigrationException {
        Map<String, InternalSnapshots> out = new LinkedHashMap<>();
        for (Map.Entry<String, Backend> e : machine.backends(BackendKinds.BLOCK).entrySet()) {
            if (!(e.getValue() instanceof BlockNode node)) {
                continue;
            }
            InternalSnapshots s = node.image().internalSnapshots();
            if (s == null) {
                if (!node.image().readOnly() && !MachineDisks.isFileUnderFormat(machine, node)) {
                    throw new MigrationException("Device '" + e.getKey()
                            + "' is writable but does not support snapshots (it is " + node.image().format()
                            + "; convert it with qemu-img convert -O qcow2)");
                }
                continue;
            }
            out.put(e.getKey(), s);
        }
        if (out.isEmpty()) {
            throw new MigrationException("No block device can accept snapshots (savevm needs a qcow2 disk; use"
                    + " migrate \"exec:cat > FILE\" or file:FILE for a guest without one)");
        }
        return out;
    }

    /**
     * The disks QMP's {@code snapshot-save}/{@code -load}/{@code -delete} name: {@code devices} by node name, the
     * VM state on {@code vmstate} (null for delete), which must be one of them.
     */
    static Map<String, InternalSnapshots> named(MigratableMachine machine, String vmstate, List<String> devices)
            throws MigrationException {
        Map<String, Backend> open = machine.backends(BackendKinds.BLOCK);
        Map<String, InternalSnapshots> out = new LinkedHashMap<>();
        if (vmstate != null && !devices.contains(vmstate)) {
            throw new MigrationException("vmstate block device '" + vmstate + "' is not in the devices list");
        }
        List<String> order = new ArrayList<>(devices);
        if (vmstate != null) {
            order.remove(vmstate);
            order.add(0, vmstate);
        }
        for (String name : order) {
            Backend b = open.get(name);
            if (!(b instanceof BlockNode node)) {
                throw new MigrationException("Cannot find device='' nor node-name='" + name + "'");
            }
            InternalSnapshots s = node.image().internalSnapshots();
            if (s == null) {
                throw new MigrationException("Device '" + name + "' does not support snapshots (it is "
                        + node.image().format() + ")");
            }
            out.put(name, s);
        }
        if (out.isEmpty()) {
            throw new MigrationException("Parameter 'devices' lists no block device");
        }
        return out;
    }
}

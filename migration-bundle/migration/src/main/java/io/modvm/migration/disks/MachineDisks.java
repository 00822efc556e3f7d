package io.modvm.migration.disks;

import io.modvm.api.backend.Backend;
import io.modvm.api.backend.BackendKinds;
import io.modvm.api.migration.MigratableMachine;
import io.modvm.block.BlockNode;
import io.modvm.migration.stream.StreamDisk;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine's writable disks, by block node id, as a block migration carries them: format nodes only, since the
 * file node under a qcow2 node is the same image seen from below (writing its bytes at the destination would go
 * round the qcow2 node's metadata there).
 */
public final class MachineDisks {
    private MachineDisks() {
    }

    /** The writable disks, in the order the machine lists its block nodes. */
    public static Map<String, BlockNode> writable(MigratableMachine machine) {
        Map<String, BlockNode> out = new LinkedHashMap<>();
        for (Map.Entry<String, Backend> e : machine.backends(BackendKinds.BLOCK).entrySet()) {
            if (e.getValue() instanceof BlockNode node && !node.image().readOnly()
                    && !isFileUnderFormat(machine, node)) {
                out.put(e.getKey(), node);
            }
        }
        return out;
    }

    /** The disk list a stream announces for {@code disks}. */
    public static List<StreamDisk> list(Map<String, BlockNode> disks) {
        List<StreamDisk> out = new ArrayList<>();
        disks.forEach((id, node) -> out.add(new StreamDisk(id, node.image().size())));
        return out;
    }

    /**
     * What differs between the disks the source announces and this machine's writable ones, each as a phrase;
     * empty when every announced disk has a writable node of the same id and size here.
     */
    public static List<String> differences(List<StreamDisk> announced, Map<String, BlockNode> here) {
        List<String> out = new ArrayList<>();
        for (StreamDisk d : announced) {
            BlockNode node = here.get(d.id());
            if (node == null) {
                out.add("disk " + d.id() + " (" + d.size() + " bytes) has no writable block node here");
            } else if (node.image().size() != d.size()) {
                out.add("disk " + d.id() + " is " + d.size() + " bytes there and " + node.image().size()
                        + " bytes here");
            }
        }
        return out;
    }

    /** A file node that a qcow2 node of the same image is built on. */
    public static boolean isFileUnderFormat(MigratableMachine machine, BlockNode node) {
        for (Backend b : machine.backends(BackendKinds.BLOCK).values()) {
            if (b != node && b instanceof BlockNode other && other.image().internalSnapshots() != null
                    && other.image().path().equals(node.image().path())) {
                return true;
            }
        }
        return false;
    }
}

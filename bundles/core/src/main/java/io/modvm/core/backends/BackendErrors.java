package io.modvm.core.backends;

import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.DeviceException;
import io.modvm.core.assembly.AssemblyCatalog;
import java.util.List;

/** The errors about backends, worded once, in QEMU's words where QEMU has them (they differ by kind there too). */
final class BackendErrors {
    private BackendErrors() {
    }

    /** The device property that names a backend of {@code kind}: {@code chardev}, {@code drive}, {@code netdev}. */
    static String deviceProperty(String kind) {
        return BackendKinds.BLOCK.equals(kind) ? "drive" : kind;
    }

    /** How QEMU names a backend of {@code kind} in its messages. */
    static String noun(String kind) {
        return BackendKinds.BLOCK.equals(kind) ? "drive" : kind;
    }

    static DeviceException duplicate(String kind, String id) {
        return new DeviceException("Duplicate ID '" + id + "' for " + noun(kind));
    }

    static DeviceException unknownType(String kind, String type, List<String> known) {
        String what = switch (kind) {
            case BackendKinds.CHARDEV -> "'" + type + "' is not a valid char driver name";
            case BackendKinds.BLOCK -> "Unknown driver '" + type + "'";
            case BackendKinds.NETDEV -> "Parameter 'type' does not accept value '" + type + "'";
            default -> "'" + type + "' is not a valid " + kind + " type";
        };
        String near = AssemblyCatalog.nearest(type, known);
        return new DeviceException(what + (near == null ? "" : "; did you mean '" + near + "'?") + "; known types: "
                + (known.isEmpty() ? "none" : String.join(", ", known)));
    }

    static DeviceException noType(String kind) {
        return new DeviceException("Parameter '" + (BackendKinds.BLOCK.equals(kind) ? "driver" : "type")
                + "' is missing");
    }

    static DeviceException badId(String id) {
        return new DeviceException("Parameter 'id' expects an identifier, not '" + id + "'");
    }

    /** A device names a backend that does not exist. */
    static DeviceException notFound(String kind, String reference, String deviceType) {
        return new DeviceException("Property '" + deviceType + "." + BackendErrors.deviceProperty(kind)
                + "' can't find value '" + reference + "'");
    }

    /** A device names a backend another one holds. */
    static DeviceException inUse(String kind, String reference, String deviceType) {
        if (BackendKinds.BLOCK.equals(kind)) {
            return new DeviceException("Drive '" + reference + "' is already in use by another device");
        }
        return new DeviceException("Property '" + deviceType + "." + BackendErrors.deviceProperty(kind)
                + "' can't take value '" + reference + "', it's in use");
    }

    /** A device names a backend that is not of the sort it needs (a netdev where a chardev goes). */
    static DeviceException wrongSort(String kind, String reference, String deviceType, Class<?> wanted) {
        return new DeviceException("Property '" + deviceType + "." + BackendErrors.deviceProperty(kind)
                + "' can't take value '" + reference + "': it is not a " + wanted.getSimpleName());
    }

    /** A device names a backend whose type no bundle provides now. */
    static DeviceException notOpen(String kind, String reference, String type) {
        return new DeviceException(noun(kind) + " '" + reference + "' is not open: no bundle provides " + kind
                + " type '" + type + "' now");
    }

    static DeviceException removeNotFound(String kind, String id) {
        return new DeviceException(switch (kind) {
            case BackendKinds.CHARDEV -> "Chardev '" + id + "' not found";
            case BackendKinds.BLOCK -> "Failed to find node with node-name='" + id + "'";
            default -> "Device '" + id + "' not found";
        });
    }

    /**
     * A backend to remove is held by a device, or by a backend built on it ({@code parent} true; {@code holder} is
     * then that backend's id).
     */
    static DeviceException busy(String kind, String id, String holder, boolean parent) {
        String user = parent ? "node '" + holder + "' is built on it" : "device '" + holder + "' uses it";
        return new DeviceException(switch (kind) {
            case BackendKinds.CHARDEV -> "Chardev '" + id + "' is busy";
            case BackendKinds.BLOCK -> "Node '" + id + "' is busy: " + user;
            default -> noun(kind) + " '" + id + "' is busy: " + user;
        });
    }
}

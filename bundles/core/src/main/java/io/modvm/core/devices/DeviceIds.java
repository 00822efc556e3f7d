package io.modvm.core.devices;

import io.modvm.api.device.DeviceException;
import io.modvm.core.assembly.AssemblyCatalog;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Device ids and the errors about devices, worded once for every way a device comes in (the command line,
 * {@code device_add}, a configuration): QEMU's identifier rule and texts, and the ids the core chooses.
 */
public final class DeviceIds {
    /** QEMU's identifier rule for device ids. */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");

    private DeviceIds() {
    }

    /** The id the core gives a device that has none: {@code TYPE.N}, the lowest N not {@code taken}. */
    static String free(String type, Predicate<String> taken) {
        for (int n = 0;; n++) {
            String id = type + "." + n;
            if (!taken.test(id)) {
                return id;
            }
        }
    }

    static void checkIdentifier(String id) throws DeviceException {
        if (!IDENTIFIER.matcher(id).matches()) {
            throw new DeviceException("Parameter 'id' expects an identifier");
        }
    }

    static DeviceException duplicate(String id) {
        return new DeviceException("Duplicate device ID '" + id + "'");
    }

    /** A type no factory here provides: QEMU's words, the nearest known type if one is close, and the known ones. */
    public static DeviceException unknownType(String type, List<String> known) {
        String near = AssemblyCatalog.nearest(type, known);
        return new DeviceException("'" + type + "' is not a valid device model name"
                + (near == null ? "" : "; did you mean '" + near + "'?") + "; known types: "
                + (known.isEmpty() ? "none" : String.join(", ", known)));
    }

    static DeviceException failedToStart(Throwable cause) {
        return new DeviceException("the device failed to start: " + cause, cause);
    }

    static DeviceException machineEnded(String id) {
        return new DeviceException(id + ": the machine has ended");
    }

    static DeviceException noMachine() {
        return new DeviceException("No machine is running");
    }
}

package io.modvm.core.backends;

import io.modvm.api.backend.BackendFactory;
import io.modvm.api.device.DeviceException;
import java.util.List;

/** The backend factories the registry holds right now. */
public interface BackendCatalog {
    /** The factory for backends of {@code kind} and {@code type}, or null. */
    BackendFactory find(String kind, String type);

    /** The types of {@code kind} there are factories for, sorted. */
    List<String> types(String kind);

    /** The error for a backend type of {@code kind} that no factory here provides: in QEMU's words, with the known ones. */
    default DeviceException unknownType(String kind, String type) {
        return BackendErrors.unknownType(kind, type, types(kind));
    }
}

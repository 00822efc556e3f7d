package io.modvm.core.devices;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import java.util.List;

/** The device factories the registry holds right now. */
public interface DeviceCatalog {
    /** The factory for {@code type}, or null. */
    DeviceFactory find(String type);

    /** Every known type name, sorted. */
    List<String> types();

    /**
     * The factory for {@code type}.
     *
     * @throws DeviceException in QEMU's words, listing the known types, if no factory of that type is there
     */
    default DeviceFactory require(String type) throws DeviceException {
        DeviceFactory factory = find(type);
        if (factory == null) {
            throw DeviceIds.unknownType(type, types());
        }
        return factory;
    }
}

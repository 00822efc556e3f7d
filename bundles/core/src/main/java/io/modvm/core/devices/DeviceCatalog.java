package io.modvm.core.devices;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/** The device factories the registry holds right now. */
public interface DeviceCatalog {
    /** The factory for {@code type}, or null. */
    DeviceFactory find(String type);

    /** Every known type name, sorted. */
    List<String> types();

    /** The version of the bundle that provides {@code factory}, or "unknown" outside a framework. */
    default String version(DeviceFactory factory) {
        Bundle bundle = FrameworkUtil.getBundle(factory.getClass());
        return bundle == null ? "unknown" : bundle.getVersion().toString();
    }

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

package io.modvm.core.machine;

import io.modvm.api.device.DeviceFactory;
import java.util.List;

/** The device factories the registry holds right now. */
public interface DeviceCatalog {
    /** The factory for {@code type}, or null. */
    DeviceFactory find(String type);

    /** Every known type name, sorted. */
    List<String> types();
}

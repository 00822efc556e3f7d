package io.modvm.core.machine;

import io.modvm.api.device.DeviceFactory;
import java.util.Map;

/** A device the machine plugged: its id, its type and properties as given, and the factory that built it. */
public record PluggedDevice(String id, String type, Map<String, String> properties, DeviceFactory factory) {
    public PluggedDevice {
        properties = Map.copyOf(properties);
    }
}

package io.modvm.core.devices;

import java.util.Map;

/** A device as the command line names it: its type, its id (may be null) and its own properties. */
public record DeviceSpec(String type, String id, Map<String, String> properties) {
    public DeviceSpec {
        properties = Map.copyOf(properties);
    }
}

package io.modvm.core.devices;

import java.util.Map;

/**
 * A device as the command line names it: its type, its id (may be null), its own properties, and the option that
 * asked for it as errors name it ({@code -device TYPE}, {@code -drive ...,if=virtio}, ...).
 */
public record DeviceSpec(String type, String id, Map<String, String> properties, String origin) {
    public DeviceSpec {
        properties = Map.copyOf(properties);
    }

    /** A device of {@code -device TYPE,...}. */
    public DeviceSpec(String type, String id, Map<String, String> properties) {
        this(type, id, properties, "-device " + type);
    }
}

package io.modvm.core.devices;

import java.util.Map;

/**
 * A plugged device as the command line or {@code device_add} made it: its type ({@code virtio-net-pci}) and the
 * properties it was given ({@code mac}, {@code netdev}...), without its id.
 */
public record DeviceConfiguration(String type, Map<String, String> properties) {
    public DeviceConfiguration {
        properties = Map.copyOf(properties);
    }
}

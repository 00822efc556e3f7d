package io.modvm.core.backends;

import java.util.Map;

/**
 * A backend as the command line or the monitor names it.
 *
 * @param kind chardev, block, netdev
 * @param type the backend type ({@code socket}, {@code qcow2}, {@code tap})
 * @param id its id, unique within its kind
 * @param properties its own options
 * @param origin how the user wrote it, for errors ({@code -chardev socket,id=c0})
 * @param autoDelete deleted with the device that takes it, as QEMU's {@code -drive} drives are
 */
public record BackendSpec(String kind, String type, String id, Map<String, String> properties, String origin,
        boolean autoDelete) {
    public BackendSpec {
        properties = Map.copyOf(properties);
    }
}

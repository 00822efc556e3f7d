package io.modvm.api.monitor;

import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Sends QMP events to every connected client that has finished capabilities negotiation. Provided by the monitor
 * bundle; emitters reference it optionally, so that a machine runs without a monitor.
 */
@ProviderType
public interface MonitorEvents {
    /** Emits {@code event} (QEMU's name, such as {@code BALLOON_CHANGE}) with {@code data}, or no data if null. */
    void emit(String event, Map<String, Object> data);
}

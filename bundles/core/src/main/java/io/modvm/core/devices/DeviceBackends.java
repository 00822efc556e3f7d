package io.modvm.core.devices;

import io.modvm.api.device.DeviceException;
import java.util.Map;

/** The backends devices take and open through their contexts, held per device until it lets them go. */
public interface DeviceBackends {
    /**
     * The backend of {@code kind} that {@code reference} names, now held by device {@code deviceId}; null for a null
     * reference.
     *
     * @throws DeviceException in QEMU's words: none of that name, in use by another device, or not a {@code type}
     */
    <B> B take(String kind, String reference, Class<B> type, String deviceId, String deviceType)
            throws DeviceException;

    /** A backend opened for device {@code deviceId} alone, closed when it lets go. */
    <B> B open(String kind, String type, Map<String, String> properties, Class<B> as, String deviceId)
            throws DeviceException;

    /**
     * Device {@code deviceId} lets go of its backends: those opened for it close; the ones it took are free again,
     * except that a legacy drive ({@code -drive}) goes with the device that took it when it is {@code unplugged}
     * (not when it is parked for a hot-swap, whose successor takes it again).
     */
    void release(String deviceId, boolean unplugged);

    /** The machine has ended and closed its devices: every backend closes (their configurations stay). */
    void closeAll();
}

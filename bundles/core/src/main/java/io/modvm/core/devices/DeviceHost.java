package io.modvm.core.devices;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import java.util.Map;

/** The running machine, as the device manager uses it: it plugs and unplugs devices by id. */
public interface DeviceHost {
    /**
     * Builds a device through {@code factory} and plugs it under {@code id}.
     *
     * @throws DeviceException the factory's one-line message, a duplicate id, or a machine that has ended
     */
    void plug(String id, DeviceFactory factory, Map<String, String> properties) throws DeviceException;

    /**
     * Unplugs device {@code id} and runs {@code gone} once it is gone, which may be later (when the guest has
     * ejected it). Returns false, without running {@code gone}, if no device has that id.
     */
    boolean unplug(String id, Runnable gone);
}

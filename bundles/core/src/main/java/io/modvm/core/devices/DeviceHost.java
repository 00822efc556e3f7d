package io.modvm.core.devices;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import java.util.Map;

/** The running machine's devices, as the device manager uses them: plugged, unplugged and swapped by id. */
public interface DeviceHost {
    /**
     * Builds a device through {@code factory} and plugs it under {@code id}.
     *
     * @throws DeviceException the factory's one-line message, a duplicate id, or a machine that has ended
     */
    void plug(String id, DeviceFactory factory, Map<String, String> properties) throws DeviceException;

    /**
     * Removes device {@code id} with the guest's cooperation (device_del, a deleted configuration) and runs
     * {@code gone} once it is gone, which may be much later (when the guest has ejected it), on another thread.
     * Returns false, without running {@code gone}, if no device has that id.
     */
    boolean unplug(String id, Runnable gone);

    /**
     * Unplugs device {@code id} at once, without asking the guest (its factory is leaving, so the device must be
     * closed while its classes exist), and runs {@code gone}. Returns false if no device has that id.
     */
    boolean unplugNow(String id, Runnable gone);

    /**
     * Hot-swap, first half, while the leaving factory's classes still exist: quiesces device {@code id}, takes its
     * state if it can hand it over, and parks its guest-visible slot; {@code timedOut} runs if no {@link #restore}
     * follows in time. Returns false if no device is plugged under that id (then nothing changed).
     */
    boolean park(String id, Runnable timedOut);

    /**
     * Hot-swap, second half: {@code factory} takes the parked device over from its saved state, or builds it with
     * {@code create()} if there is none or the factory refuses it. Returns whether the state was kept.
     */
    boolean restore(String id, DeviceFactory factory, Map<String, String> properties) throws DeviceException;

    /** The hot-swap is abandoned: the parked device is removed with the guest's cooperation; then {@code gone}. */
    boolean discardParked(String id, Runnable gone);
}

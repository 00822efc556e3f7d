package io.modvm.api.device;

import io.modvm.api.state.StateRecord;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A device whose state can be taken and handed to a new instance: what carries a device across an update of its
 * bundle, and what snapshots and migration save. The machine calls {@link #quiesce()} with the vCPUs paused, then
 * {@link #saveState()}; the new instance comes from {@link DeviceFactory#restore}. If the hand-over is abandoned,
 * {@link #resume()} lets this instance go on as if nothing happened.
 */
@ConsumerType
public interface StatefulDevice extends Device {
    /**
     * Stops the device's own threads and host I/O without changing anything the guest can see (no reset, no
     * interrupt, queues left as they are); requests in flight are finished first.
     */
    void quiesce();

    /** The device's state, after {@link #quiesce()}: enough for {@link DeviceFactory#restore} to go on seamlessly. */
    StateRecord saveState();

    /** Undoes {@link #quiesce()}: the hand-over did not happen and this instance serves the guest again. */
    void resume();
}

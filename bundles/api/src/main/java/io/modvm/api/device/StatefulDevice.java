package io.modvm.api.device;

import io.modvm.api.state.StateRecord;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A device whose state can be taken and handed to a new instance: what carries a device across an update of its
 * bundle, and what snapshots and migration save. The machine calls {@link #quiesce()} with the vCPUs paused, then
 * {@link #saveState()}; the new instance comes from {@link DeviceFactory#restore}. If the hand-over is abandoned,
 * {@link #resume()} lets this instance go on as if nothing happened.
 *
 * <p>Lifecycle contract: after {@code quiesce()} and {@code saveState()} comes either {@link #close()} (the state
 * went to a new instance) or {@code resume()}. {@code saveState()} may be called several times (snapshots) and
 * changes nothing the guest sees. A state saved and handed to {@link DeviceFactory#restore} of the same factory
 * gives a device that saves the same state again (the round trip the plugin test kit checks). A device that is not
 * a {@code StatefulDevice}, or whose state is refused, is rebuilt with {@link DeviceFactory#create} in a hot-swap
 * and starts from power-on state.
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

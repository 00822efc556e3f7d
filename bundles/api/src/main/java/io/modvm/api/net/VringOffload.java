package io.modvm.api.net;

import java.io.IOException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A datapath outside the VMM that takes a NIC's data queues over (the kernel's vhost-net, a vhost-user backend):
 * once started, it reads the rings in guest RAM itself, is kicked by the guest's notifications and interrupts the
 * guest through the calls' irqfds, so no frame passes through the NIC's threads. The control queue and the
 * configuration space stay with the NIC.
 *
 * <p>A NIC starts it when the driver sets DRIVER_OK and stops it on a reset, before a hand-over or a snapshot, and
 * when the backend says the offload changed ({@link NetworkBackend#onOffloadChange}); {@link #stop()} gives back
 * where each ring stopped, so that the NIC's own threads, or a new offload, continue from there without loss.
 *
 * @since 1.1
 */
@ConsumerType
public interface VringOffload {
    /** What {@code info network} calls it: {@code vhost-net}, {@code vhost-user}. */
    String name();

    /**
     * The virtio feature bits the offload can serve among those the datapath decides: the ring's layout
     * (INDIRECT_DESC, EVENT_IDX, VERSION_1), mergeable receive buffers, and the checksum and segmentation offloads.
     * The NIC offers none of those outside this set; control-plane bits (CTRL_*, MAC, STATUS, MQ, MTU) stay the
     * NIC's.
     */
    long features();

    /**
     * Takes the rings over from where {@code setup} says.
     *
     * @throws IOException if the backend refused; then nothing of the setup is in use and the NIC serves the queues
     *     itself (or leaves them until the backend comes back)
     */
    void start(VringSetup setup) throws IOException;

    /** The driver gave ring {@code ring} (a {@link Vring#index()}) another interrupt: its call eventfd changed. */
    void callChanged(int ring, int callFd) throws IOException;

    /**
     * Stops serving the rings and returns, in the order of the setup's rings, the available index each stopped at
     * (VHOST_GET_VRING_BASE), or -1 for one the backend could not tell (it went away): the NIC then continues from
     * the used index in guest RAM. Safe to call more than once; a later call returns -1s.
     */
    int[] stop();
}

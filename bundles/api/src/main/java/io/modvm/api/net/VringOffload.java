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
 * <p>An offload writes guest RAM behind the dirty log's back. One that can log those writes
 * ({@link #logsWrites()}, since 1.2) lets the machine migrate; one that cannot blocks migration.
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

    /**
     * Whether {@link #startWriteLog} works: the datapath can record the guest pages it writes (vhost's
     * VHOST_F_LOG_ALL; for vhost-user also the LOG_SHMFD protocol feature). An offload written before 1.2 cannot,
     * and keeps blocking migration.
     *
     * @since 1.2
     */
    default boolean logsWrites() {
        return false;
    }

    /**
     * Starts logging the datapath's writes to guest RAM, for a migration; whether the rings run now or start later
     * while the log is open, their writes are logged until the log is closed. One log at a time.
     *
     * @param guestEnd the highest guest-physical RAM address plus one: the log covers {@code [0, guestEnd)}
     * @throws IOException if the offload cannot log (see {@link #logsWrites()}) or the backend refused
     * @since 1.2
     */
    default VringWriteLog startWriteLog(long guestEnd) throws IOException {
        throw new IOException(name() + " cannot log its writes to guest RAM");
    }
}

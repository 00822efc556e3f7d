package io.modvm.virtio.device;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One virtio device's logic (virtio 1.2, sections 2 and 5). The transport owns status, feature negotiation and the
 * queue registers; the device sees the outcome in {@link #activate} and stops in {@link #reset}.
 *
 * <p>Threads: {@link #readConfig}/{@link #writeConfig} run on vCPU threads and must be quick. Queue work runs on the
 * device's own threads (see {@link QueueWorker}, and {@link QueueServer} for the loop that serves a queue).
 *
 * <p>Hand-over (a bundle update, a snapshot): the transport calls {@link #quiesce()} with the vCPUs paused, then
 * {@link #saveState()}; the instance that takes over gets {@link #restoreState} and then {@link #resume} with an
 * activation whose queues continue where the old ones stopped. The defaults suit a device whose only host-side state
 * is its threads and whose {@link #reset()} changes nothing the driver can see besides stopping them.
 */
@ConsumerType
public interface VirtioDevice {
    /** The virtio device ID: 2 block, 3 console, 4 entropy, 5 balloon. */
    int deviceType();

    /** The 24-bit PCI class code the transport reports (QEMU's choice for the same device). */
    int pciClass();

    /** How many virtqueues the device has. */
    int queueCount();

    /** Largest size the driver may give queue {@code index} (a power of two, at most 32768). */
    int queueMaxSize(int index);

    /**
     * Feature bits the device offers, device-specific and generic (INDIRECT_DESC, EVENT_IDX...). The transport
     * adds VIRTIO_F_VERSION_1 itself.
     */
    long deviceFeatures();

    /**
     * How many MSI-X vectors the function has (QEMU's {@code vectors=}); the default, one per queue and one for
     * configuration changes, lets the driver give every queue its own. With fewer, Linux shares vectors between
     * queues.
     *
     * @since 1.3
     */
    default int msixVectors() {
        return queueCount() + 1;
    }

    /** Size in bytes of the device-specific configuration space. */
    int configSize();

    /** Reads {@code size} bytes (1, 2, 4 or 8) at {@code offset} of the configuration space, little-endian. */
    long readConfig(int offset, int size);

    /** A driver write to the configuration space; ignored for read-only fields. */
    void writeConfig(int offset, int size, long value);

    /** The driver set DRIVER_OK: start serving the enabled queues. */
    void activate(VirtioActivation activation);

    /**
     * Back to the power-on state: the driver wrote status 0, or the machine resets. On return the device's threads
     * no longer touch guest memory or the queues.
     */
    void reset();

    /**
     * Unplugged: release host resources (files, sockets). Called after {@link #reset()}, or after {@link #quiesce()}
     * when the device was handed over (then nothing the driver can see may change: no configuration change, no
     * interrupt).
     */
    default void close() {
    }

    /**
     * Stops the device's threads and host I/O without changing anything the driver can see: no configuration
     * change, no interrupt, the queues and the chains the device holds left as they are. Requests being served are
     * finished first. The default calls {@link #reset()}; a device whose reset changes its configuration space must
     * override this.
     *
     * @since 1.1
     */
    default void quiesce() {
        reset();
    }

    /**
     * Serves the driver again after {@link #quiesce()}: with the same activation when a hand-over was abandoned, or,
     * in the instance that took over, with the restored one (queues continuing at the saved indexes), after {@link
     * #restoreState}. {@code activation} is null if the driver had not started the device. Kicks that came during
     * the pause are not replayed, so the device must look at every queue once. The default calls {@link
     * #activate}.
     *
     * @since 1.1
     */
    default void resume(VirtioActivation activation) {
        if (activation != null) {
            activate(activation);
        }
    }

    /**
     * The device's own state after {@link #quiesce()} (configuration, buffered host data, the heads of chains it
     * holds), as a record its {@link #restoreState} reads; the transport saves the queues and registers. The
     * default is an empty record of type {@code virtio-device-N} (N the device type), version 1.
     *
     * @since 1.1
     */
    default StateRecord saveState() {
        return StateRecord.builder(defaultStateType(deviceType()), 1).build();
    }

    /**
     * Takes over what {@link #saveState()} of an earlier instance (perhaps an older version) saved; called before
     * {@link #resume}, never on a device the driver is using.
     *
     * @throws StateException if the record is of another type or a version this device cannot read, or lacks what
     *     it needs; the message is one line
     * @since 1.1
     */
    default void restoreState(StateRecord state) throws StateException {
        state.require(defaultStateType(deviceType()), 1, 1);
    }

    /** The type of the default state record of a device of virtio type {@code deviceType}. */
    static String defaultStateType(int deviceType) {
        return "virtio-device-" + deviceType;
    }
}

package io.modvm.virtio.device;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.memory.GuestMemory;
import io.modvm.virtio.queue.SplitVirtqueue;
import java.util.function.IntConsumer;
import org.osgi.annotation.versioning.ProviderType;

/** What a device gets when the driver sets DRIVER_OK, valid until the device's {@link VirtioDevice#reset()}. */
@ProviderType
public interface VirtioActivation {
    GuestMemory memory();

    /** The features both sides agreed on. */
    long features();

    /** True if feature bit {@code bit} was negotiated. */
    default boolean hasFeature(int bit) {
        return (features() & (1L << bit)) != 0;
    }

    /** Queue {@code index}, or null if the driver did not enable it. */
    SplitVirtqueue queue(int index);

    /** Signalled (through an ioeventfd) each time the driver kicks queue {@code index}; null if not enabled. */
    EventNotifier kicks(int index);

    /** Interrupts the driver for queue {@code index} (call after {@link SplitVirtqueue#needsNotification()}). */
    void interruptQueue(int index);

    /** Tells the driver that the configuration space changed. */
    void interruptConfig();

    /**
     * The device hit a guest error it cannot recover from: sets DEVICE_NEEDS_RESET and interrupts for the
     * configuration change, logging {@code reason} once. The device stops using its queues.
     */
    void needsReset(String reason);

    /**
     * The eventfd that interrupts the driver for queue {@code index} without the VMM (the irqfd of the queue's MSI-X
     * vector), for a datapath outside the VMM (vhost); null if the queue has no vector or the transport has no such
     * notifier. It belongs to the transport.
     *
     * @since 1.4
     */
    default EventNotifier callNotifier(int index) {
        return null;
    }

    /**
     * Tells {@code listener} the index of a queue whose interrupt vector the driver changed while the device runs,
     * so that whoever holds its {@link #callNotifier} asks again; null removes the listener.
     *
     * @since 1.4
     */
    default void onVectorChange(IntConsumer listener) {
    }
}

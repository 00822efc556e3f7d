package io.modvm.virtio.device;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One virtio device's logic (virtio 1.2, sections 2 and 5). The transport owns status, feature negotiation and the
 * queue registers; the device sees the outcome in {@link #activate} and stops in {@link #reset}.
 *
 * <p>Threads: {@link #readConfig}/{@link #writeConfig} run on vCPU threads and must be quick. Queue work runs on the
 * device's own threads (see {@link QueueWorker}).
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

    /** Unplugged: release host resources (files, sockets). Called after {@link #reset()}. */
    default void close() {
    }
}

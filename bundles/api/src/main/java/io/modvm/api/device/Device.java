package io.modvm.api.device;

import org.osgi.annotation.versioning.ConsumerType;

/** A device instance plugged into a machine. */
@ConsumerType
public interface Device extends AutoCloseable {
    /** The device's id (from {@code id=}, or one the core chose). */
    String id();

    /** Returns the device to its power-on state, as on a machine reset. Guest-visible RAM-like state may stay. */
    void reset();

    /** Unplugs: stops the device's threads and releases its host resources. */
    @Override
    void close();
}

package io.modvm.api.device;

import org.osgi.annotation.versioning.ConsumerType;

/** A device instance plugged into a machine. */
@ConsumerType
public interface Device extends AutoCloseable {
    /** The device's id (from {@code id=}, or one the core chose). */
    String id();

    /** Returns the device to its power-on state, as on a machine reset. Guest-visible RAM-like state may stay. */
    void reset();

    /**
     * Unplugs: stops the device's threads and releases its host resources. The core has taken the device off the
     * buses first, so no guest access reaches it meanwhile or after.
     *
     * <p>Idempotent: {@code close} may be called more than once (an unplug racing a machine's end, a test kit's
     * check); a second call does nothing and does not throw. It should not block for long: finish or fail requests
     * in flight rather than wait for a backend that may never answer.
     */
    @Override
    void close();
}

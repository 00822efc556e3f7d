package io.modvm.api.accel;

import org.osgi.annotation.versioning.ProviderType;

/** A counter that one side signals and the other waits on (an eventfd under KVM). */
@ProviderType
public interface EventNotifier extends AutoCloseable {
    /** Adds one to the counter, waking a waiter. */
    void signal();

    /**
     * Waits until the counter is non-zero or {@code timeoutMillis} has passed, then returns it and resets it to
     * zero. Returns 0 on timeout or once the notifier is closed.
     */
    long await(long timeoutMillis);

    /**
     * The file descriptor that becomes readable when the counter is non-zero (an eventfd), for code that waits on it
     * together with other descriptors (a NIC's receive thread: the guest's kick or a frame on a tap); -1 if there is
     * none.
     *
     * @since 1.2
     */
    default int fd() {
        return -1;
    }

    @Override
    void close();
}

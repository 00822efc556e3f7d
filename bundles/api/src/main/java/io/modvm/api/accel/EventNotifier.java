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

    @Override
    void close();
}

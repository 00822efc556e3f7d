package io.modvm.api.accel;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An interrupt line whose signals the accelerator delivers as one message-signalled interrupt, so that a notifier
 * attached to {@link #gsi()} injects the message without the VMM in the path (KVM MSI routing plus irqfd).
 */
@ProviderType
public interface MsiRoute extends AutoCloseable {
    /** The line to attach notifiers to with {@link VirtualMachine#attachIrq}. */
    int gsi();

    /** Points the route at a new message, as when the guest rewrites an MSI-X table entry. */
    void update(long address, int data) throws AcceleratorException;

    /** Frees the line. */
    @Override
    void close();
}

package io.modvm.api.accel;

import org.osgi.annotation.versioning.ProviderType;

/** A binding of a notifier to a VM (an ioeventfd or irqfd). Closing it removes the binding; the notifier stays. */
@ProviderType
public interface Attachment extends AutoCloseable {
    @Override
    void close();
}

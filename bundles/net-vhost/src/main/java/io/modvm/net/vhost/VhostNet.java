package io.modvm.net.vhost;

import io.modvm.api.net.VringOffload;
import org.osgi.annotation.versioning.ProviderType;

/** A tap's vhost-net instances, which the tap closes when it closes. */
@ProviderType
public interface VhostNet extends VringOffload, AutoCloseable {
    /** Stops the rings if they run and closes the vhost-net descriptors; the tap's descriptors stay open. */
    @Override
    void close();
}

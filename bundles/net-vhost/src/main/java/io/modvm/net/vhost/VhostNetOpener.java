package io.modvm.net.vhost;

import java.io.IOException;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The kernel's vhost-net, as a service: a tap backend with {@code vhost=on} asks it for an offload of its queues.
 * While the service is gone (its bundle stopped), taps move their frames in user space.
 */
@ProviderType
public interface VhostNetOpener {
    /**
     * Why vhost-net cannot be used on this host ({@code /dev/vhost-net does not exist ...}), or null if it can.
     */
    String unavailableReason();

    /**
     * Opens one vhost-net instance per tap queue (each serves one queue pair: its receiveq and transmitq) and makes
     * this process its owner.
     *
     * @param owner how messages name the backend ({@code tap n0})
     * @param tapFds the tap's queue descriptors, one per queue pair
     * @param vnetHeader whether the tap's frames carry the virtio-net header, so that the guest's offloads pass
     * @throws IOException with one line if /dev/vhost-net cannot be opened or refuses
     */
    VhostNet open(String owner, List<Integer> tapFds, boolean vnetHeader) throws IOException;
}

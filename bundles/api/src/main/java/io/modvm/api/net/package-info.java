/**
 * The network SPI: a {@link io.modvm.api.net.NetworkBackend} (QEMU's {@code -netdev}: tap, user-mode, vhost-user)
 * moves Ethernet frames for a NIC (virtio-net, e1000) through one or more {@link io.modvm.api.net.NetworkQueue}s.
 * A backend is a backend of kind {@code netdev} ({@link io.modvm.api.backend.BackendKinds#NETDEV}); a NIC takes it
 * with {@code DeviceContext.backend(BackendKinds.NETDEV, id, NetworkBackend.class)}. Every NIC model reads its
 * {@code mac=} property with {@link io.modvm.api.net.MacAddress} (since 1.1).
 * A {@link io.modvm.api.net.NetworkAnnouncer} tells the network where the NICs are after a migration (since 1.2).
 * A {@link io.modvm.api.net.VringWriteLog} gives the pages an offload wrote during a migration (since 1.2).
 */
@Export
@Version("1.2.0")
package io.modvm.api.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

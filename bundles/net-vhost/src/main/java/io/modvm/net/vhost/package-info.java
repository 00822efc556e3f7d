/**
 * The vhost datapaths: {@link io.modvm.net.vhost.VhostNetOpener} is the service through which the tap backend hands
 * a tap's queues to the kernel's vhost-net; the bundle also provides {@code -netdev vhost-user}. Both program a
 * vhost backend the same way, from the {@link io.modvm.api.net.VringSetup} a NIC gathers.
 */
@Export
@Version("1.0.0")
package io.modvm.net.vhost;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

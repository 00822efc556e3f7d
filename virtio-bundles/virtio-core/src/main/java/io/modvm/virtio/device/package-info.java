/**
 * The device side of virtio, independent of the transport: a {@link io.modvm.virtio.device.VirtioDevice} states its
 * type, queues, features and configuration space, and is handed a {@link io.modvm.virtio.device.VirtioActivation}
 * once the driver has set DRIVER_OK. {@link io.modvm.virtio.device.QueueWorker} serves one queue's kicks on a
 * thread of its own, never on a vCPU thread.
 */
@Export
@Version("1.1.0")
package io.modvm.virtio.device;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

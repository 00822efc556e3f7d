/**
 * The device side of virtio, independent of the transport: a {@link io.modvm.virtio.device.VirtioDevice} states its
 * type, queues, features and configuration space, and is handed a {@link io.modvm.virtio.device.VirtioActivation}
 * once the driver has set DRIVER_OK. {@link io.modvm.virtio.device.QueueWorker} serves one queue's kicks on a
 * thread of its own, never on a vCPU thread; there a {@link io.modvm.virtio.device.QueueServer} pops the queue's
 * chains and hands each to the device's {@link io.modvm.virtio.device.ChainHandler}, with one answer to guest errors
 * for every device: a malformed chain fails alone, a broken ring trips the activation's {@link
 * io.modvm.virtio.device.ResetLatch}, and {@link io.modvm.virtio.device.GuestErrorLog} logs each kind of problem
 * once.
 */
@Export
@Version("1.4.0")
package io.modvm.virtio.device;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

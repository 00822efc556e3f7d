/**
 * The virtio split virtqueue (virtio 1.2, section 2.7) as the device side sees it: {@link
 * io.modvm.virtio.queue.SplitVirtqueue} takes descriptor chains from the available ring and returns them on the used
 * ring; {@link io.modvm.virtio.queue.ChainReader} and {@link io.modvm.virtio.queue.ChainWriter} move bytes through a
 * chain's buffers. Every value read from guest memory is validated, and every guest mistake is reported as a {@link
 * io.modvm.virtio.queue.VirtqueueException}.
 */
@Export
@Version("1.2.0")
package io.modvm.virtio.queue;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

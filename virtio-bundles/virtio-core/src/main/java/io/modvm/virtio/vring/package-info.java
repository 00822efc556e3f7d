/**
 * The vring-setup layer: {@link io.modvm.virtio.vring.VringHandOver} hands the data queues of a started virtio device
 * to a datapath outside the VMM (an {@link io.modvm.api.net.VringOffload}: vhost-net, vhost-user) and takes them
 * back. It gathers what a vhost backend needs (the guest memory table, each ring's size, addresses and index to
 * continue from, the kick eventfd and the irqfd that interrupts the guest, the negotiated features) and, when the
 * offload stops, sets the device's own rings to where the backend left them.
 */
@Export
@Version("1.0.0")
package io.modvm.virtio.vring;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

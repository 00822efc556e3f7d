/**
 * The virtio-pci transport (virtio 1.2, section 4.1): {@link io.modvm.virtio.pci.VirtioPciTransport} plugs a
 * {@link io.modvm.virtio.device.VirtioDevice} into the machine's PCI bus as a function with vendor capabilities,
 * MSI-X, and queue notifications through ioeventfd; transitional by default, with the legacy interface in an I/O
 * BAR beside the modern one ({@link io.modvm.virtio.pci.VirtioPciMode}). {@link io.modvm.virtio.pci.VirtioPciFactory} is the base of a
 * virtio device's {@code DeviceFactory}: it plugs or restores the device through the transport.
 */
@Export
@Version("1.3.0")
package io.modvm.virtio.pci;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

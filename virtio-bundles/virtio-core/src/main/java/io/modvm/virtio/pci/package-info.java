/**
 * The virtio-pci modern transport (virtio 1.2, section 4.1): {@link io.modvm.virtio.pci.VirtioPciTransport} plugs a
 * {@link io.modvm.virtio.device.VirtioDevice} into the machine's PCI bus as a function with vendor capabilities,
 * MSI-X, and queue notifications through ioeventfd.
 */
@Export
@Version("1.1.0")
package io.modvm.virtio.pci;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

/**
 * PCI functions as devices describe them and the core's root bus serves them: identity, BARs, capabilities,
 * MSI-X, legacy INTx interrupts (since 1.1), and notifications bound to BAR offsets that follow the BAR wherever
 * the guest places it.
 */
@Export
@Version("1.3.0")
package io.modvm.api.pci;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

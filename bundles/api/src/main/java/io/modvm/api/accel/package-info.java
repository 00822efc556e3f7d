/**
 * The accelerator SPI: virtual machines, vCPUs, guest RAM, interrupt lines and event notifiers. A bundle such as the KVM accelerator implements it; the core only ever talks to these interfaces.
 */
@Export
@Version("1.7.0")
package io.modvm.api.accel;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

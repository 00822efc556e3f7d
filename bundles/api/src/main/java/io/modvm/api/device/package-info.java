/**
 * The device SPI: {@link io.modvm.api.device.DeviceFactory} services build {@link io.modvm.api.device.Device}s that see the machine only through a {@link io.modvm.api.device.DeviceContext}.
 */
@Export
@Version("1.3.0")
package io.modvm.api.device;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

/**
 * The backend SPI: the host side of a device (a character device, a disk image, a network link), configured apart
 * from the device and named by it, as QEMU's {@code chardev=}, {@code drive=} and {@code netdev=} do. A
 * {@link io.modvm.api.backend.BackendFactory} service opens backends of one kind and type; backends are
 * configurations like devices (the command line's {@code -chardev}, {@code -drive}, {@code -blockdev},
 * {@code -netdev}, the monitor's {@code chardev-add}, {@code blockdev-add}, {@code netdev_add}, or a {@code .cfg}
 * file), and a device takes one through {@link io.modvm.api.device.DeviceContext#backend}.
 */
@Export
@Version("1.1.0")
package io.modvm.api.backend;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

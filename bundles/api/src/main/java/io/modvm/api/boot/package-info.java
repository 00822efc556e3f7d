/**
 * Boot sources: readers that find a guest's own boot configuration on a disk image and hand its kernel, initrd and
 * command line to the machine, so that a disk boots without firmware (as Xen's pygrub does, built in). A
 * {@link io.modvm.api.boot.BootSource} service reads a {@link io.modvm.api.boot.BootDisk} (a read-only view of one
 * disk, whatever its image format) and returns the {@link io.modvm.api.boot.BootMenu} it found; the machine asks
 * every registered source, disk by disk in boot order, and boots the chosen {@link io.modvm.api.boot.BootEntry}. A
 * third party adds a file system or a boot loader's configuration (ZFS, btrfs) by registering one more source.
 */
@Export
@Version("1.0.0")
package io.modvm.api.boot;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

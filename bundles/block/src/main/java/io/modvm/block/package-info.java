/**
 * Disk images for devices and other bundles: a {@link io.modvm.block.DiskImage} read, written, flushed and
 * discarded by offset, with its internal snapshots ({@link io.modvm.block.InternalSnapshots}), and the block
 * backends ({@link io.modvm.block.BlockNode}) that the machine opens from {@code -drive}, {@code -blockdev} and
 * {@code blockdev-add} and that a device takes by its {@code drive=} id.
 */
@Export
@Version("1.2.0")
package io.modvm.block;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

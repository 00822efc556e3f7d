package io.modvm.block;

import java.time.Instant;

/**
 * One internal snapshot of an image, as {@code info snapshots} and {@code qemu-img snapshot -l} show it.
 *
 * @param id the unique id, a decimal number for snapshots made by QEMU or modvm
 * @param name the tag given to {@code savevm} or {@code qemu-img snapshot -c} (names need not be unique)
 * @param vmStateSize bytes of machine state saved with the snapshot; 0 for a disk-only snapshot
 * @param date when the snapshot was taken (host wall clock)
 * @param vmClockNanos how long the guest had run when the snapshot was taken
 * @param diskSize the virtual disk size at the time of the snapshot
 * @param icount the record/replay instruction count, or -1 when not recording (always -1 for modvm's snapshots)
 */
public record SnapshotInfo(String id, String name, long vmStateSize, Instant date, long vmClockNanos, long diskSize,
        long icount) {
}

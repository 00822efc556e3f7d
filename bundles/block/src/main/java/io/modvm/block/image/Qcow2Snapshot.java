package io.modvm.block.image;

import io.modvm.block.SnapshotInfo;
import java.time.Instant;

/**
 * One entry of a qcow2 snapshot table, with every field the format has, so that rewriting the table keeps what
 * another writer stored (extra data this implementation does not know included).
 *
 * @param l1Offset file offset of the snapshot's L1 table
 * @param l1Size entries of that L1 table
 * @param dateSeconds wall-clock seconds since the epoch (unsigned 32 bits)
 * @param dateNanos the sub-second part of the date
 * @param unknownExtra extra data past the fields known here, kept as it was
 */
record Qcow2Snapshot(long l1Offset, int l1Size, String id, String name, long dateSeconds, int dateNanos,
        long vmClockNanos, long vmStateSize, long diskSize, long icount, byte[] unknownExtra) {

    SnapshotInfo info() {
        return new SnapshotInfo(id, name, vmStateSize, Instant.ofEpochSecond(dateSeconds, dateNanos), vmClockNanos,
                diskSize, icount);
    }
}

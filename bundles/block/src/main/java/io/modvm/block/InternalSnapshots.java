package io.modvm.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The internal snapshots of an image (qcow2's snapshot table), as {@code savevm}, {@code loadvm}, {@code delvm} and
 * {@code info snapshots} use them, compatible with {@code qemu-img snapshot}. Get it from
 * {@link DiskImage#internalSnapshots()}.
 *
 * <p>A {@code savevm} runs, with the guest paused and the device drained: {@link #find} the tag and {@link #delete}
 * what it finds by its id (savevm replaces a snapshot of the same name), {@link #writeVmState} the machine state
 * from position 0 on, then {@link #create} with the number of bytes written. {@code loadvm}: {@link #find} the
 * tag, {@link #goTo} its id, then {@link #readVmState} the state back ({@link SnapshotInfo#vmStateSize()}
 * bytes).
 *
 * <p>Every method holds the image's lock, so I/O on the image waits for it and sees the image before or after it.
 * The changing operations refuse a read-only image with an {@link IOException}; {@link #list} works on any.
 */
@ProviderType
public interface InternalSnapshots {
    /** The snapshots in table order (creation order), as {@code qemu-img snapshot -l} lists them. */
    List<SnapshotInfo> list();

    /**
     * The first snapshot named {@code tag}, in table order: how {@code savevm}, {@code delvm} and {@code loadvm} find
     * a snapshot in QEMU 7.2, by name only ({@code loadvm 2} does not load the snapshot with id 2; {@code savevm 2}
     * makes a new snapshot named "2").
     */
    Optional<SnapshotInfo> find(String tag);

    /**
     * Takes a snapshot of the disk as it is now, with the next free id (one more than the largest numeric id), and
     * records {@code vmStateSize} bytes of machine state already written with {@link #writeVmState}. Afterwards the
     * state is dropped from the running image (it lives on in the snapshot), as QEMU does. A crash at any point leaves
     * either the old table or the new one, at worst with leaked clusters.
     *
     * @param name the tag; a name may repeat, as with {@code qemu-img snapshot -c}
     * @param date the wall-clock time to record
     * @param vmClockNanos the guest's run time to record
     * @return the new snapshot
     * @throws IOException read-only image, table full (65536 snapshots), name too long, or an I/O error
     */
    SnapshotInfo create(String name, long vmStateSize, Instant date, long vmClockNanos) throws IOException;

    /**
     * Makes the disk what it was when the snapshot was taken ({@code loadvm}'s disk half, {@code qemu-img snapshot
     * -a}): the snapshot whose id is {@code idOrName}, else the first whose name is (as QEMU's qcow2 driver looks it
     * up; {@code loadvm TAG} is {@code find(TAG)} then {@code goTo(id)}). Whatever was written since is gone unless
     * another snapshot holds it.
     *
     * @throws IOException no such snapshot (the message says so), a snapshot of a different disk size, or I/O
     */
    void goTo(String idOrName) throws IOException;

    /**
     * Deletes the snapshot whose id is {@code idOrName}, else the first whose name is, and frees the clusters only it
     * held. ({@code delvm TAG} is {@code find(TAG)} then {@code delete(id)}; {@code qemu-img snapshot -d} takes a
     * name only.)
     *
     * @throws IOException no such snapshot, read-only image, or I/O
     */
    void delete(String idOrName) throws IOException;

    /**
     * Writes machine state at {@code position} of the running image's VM state area, which lies past the end of the
     * virtual disk, where the guest cannot reach it.
     */
    void writeVmState(ByteBuffer source, long position) throws IOException;

    /** Reads machine state at {@code position} of the running image's VM state area (after {@link #goTo}). */
    void readVmState(ByteBuffer destination, long position) throws IOException;
}

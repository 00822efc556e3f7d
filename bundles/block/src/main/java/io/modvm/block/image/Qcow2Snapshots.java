package io.modvm.block.image;

import io.modvm.block.InternalSnapshots;
import io.modvm.block.SnapshotInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The internal snapshots of a {@link Qcow2Image}, kept as QEMU's block/qcow2-snapshot.c keeps them, so that {@code
 * qemu-img snapshot} and {@code qemu-img check} agree with what is done here.
 *
 * <p>A snapshot is a copy of the active L1 table plus one more reference on every cluster it reaches. The table of
 * snapshots is never changed in place: a new one is written, then one header write switches to it, then the old one
 * is freed, so a crash leaves the old table or the new one. Every operation holds the image's lock.
 */
final class Qcow2Snapshots implements InternalSnapshots {
    /** QEMU keeps names in 256-byte and ids in 128-byte buffers, terminator included. */
    private static final int MAX_NAME_BYTES = 255;

    private final Qcow2Image image;
    private final HostFile file;
    private final Qcow2Header header;
    private final Qcow2Refcounts refcounts;
    private List<Qcow2Snapshot> snapshots;
    private long tableOffset;
    private long tableLength;

    Qcow2Snapshots(Qcow2Image image, HostFile file, Qcow2Header header, Qcow2Refcounts refcounts)
            throws IOException {
        this.image = image;
        this.file = file;
        this.header = header;
        this.refcounts = refcounts;
        if (header.snapshots() == 0) {
            this.snapshots = List.of();
            return;
        }
        long clusterSize = header.clusterSize();
        List<Qcow2SnapshotTable.Extent> metadata = List.of(
                new Qcow2SnapshotTable.Extent("header", 0, clusterSize),
                new Qcow2SnapshotTable.Extent("active L1 table", header.l1Offset(), 8L * header.l1Size()),
                new Qcow2SnapshotTable.Extent("refcount table", header.refcountTableOffset(),
                        header.refcountTableClusters() * clusterSize));
        Qcow2SnapshotTable.Loaded loaded = Qcow2SnapshotTable.read(file, header.snapshots(),
                header.snapshotsOffset(), file.size(), header.size(), clusterSize, metadata);
        this.snapshots = List.copyOf(loaded.snapshots());
        this.tableOffset = header.snapshotsOffset();
        this.tableLength = loaded.length();
    }

    @Override
    public List<SnapshotInfo> list() {
        synchronized (image) {
            return snapshots.stream().map(Qcow2Snapshot::info).toList();
        }
    }

    @Override
    public Optional<SnapshotInfo> find(String tag) {
        synchronized (image) {
            return snapshots.stream().filter(s -> s.name().equals(tag)).findFirst()
                    .map(Qcow2Snapshot::info);
        }
    }

    @Override
    public SnapshotInfo create(String name, long vmStateSize, Instant date, long vmClockNanos) throws IOException {
        synchronized (image) {
            checkWritable();
            if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                throw new IOException(file.path() + ": snapshot name '" + Qcow2SnapshotTable.printable(name)
                        + "' is longer than "
                        + MAX_NAME_BYTES + " bytes");
            }
            if (snapshots.size() >= Qcow2Header.MAX_SNAPSHOTS) {
                throw new IOException(file.path() + ": qcow2 image already holds " + snapshots.size()
                        + " snapshots, the most it can; delete some with delvm or qemu-img snapshot -d");
            }
            if (vmStateSize < 0 || vmStateSize > image.addressLimit() - image.vmStateOffset()) {
                throw new IOException(file.path() + ": VM state size " + vmStateSize + " is out of range");
            }
            long seconds = date.getEpochSecond();
            if (seconds < 0 || seconds > 0xFFFF_FFFFL) {
                throw new IOException(file.path() + ": snapshot date " + date + " does not fit qcow2's 32 bits");
            }
            long[] active = image.l1().copy();
            long[] copy = new long[active.length];
            for (int i = 0; i < active.length; i++) {
                // The COPIED flag only means something in the active table.
                copy[i] = active[i] & Qcow2Image.OFFSET_MASK;
            }
            long l1Offset = 0;
            if (copy.length > 0) {
                l1Offset = refcounts.allocateRun(8L * copy.length);
                Qcow2L1Table.write(file, l1Offset, copy);
            }
            if (image.trees().update(active, 1)) {
                image.l1().replace(active);
            }
            Qcow2Snapshot snapshot = new Qcow2Snapshot(l1Offset, copy.length, nextId(), name, seconds,
                    date.getNano(), vmClockNanos, vmStateSize, image.size(), -1, new byte[0]);
            List<Qcow2Snapshot> grown = new ArrayList<>(snapshots);
            grown.add(snapshot);
            writeTable(grown);
            // The snapshot holds the state now; keeping it in the running image would only cost a copy on the
            // next savevm's write, so it goes, as in QEMU.
            long clusterSize = header.clusterSize();
            image.unmapPastDisk(image.vmStateOffset(), (vmStateSize + clusterSize - 1) & -clusterSize);
            image.flush();
            return snapshot.info();
        }
    }

    @Override
    public void goTo(String idOrName) throws IOException {
        synchronized (image) {
            checkWritable();
            Qcow2Snapshot snapshot = byIdOrName(idOrName);
            if (snapshot.diskSize() != image.size()) {
                throw new IOException(file.path() + ": snapshot '" + Qcow2SnapshotTable.printable(snapshot.name())
                        + "' is of a disk of " + snapshot.diskSize() + " bytes, not " + image.size()
                        + "; loading it would resize the disk, which is not supported here (qemu-img snapshot -a can)");
            }
            long[] target = Qcow2L1Table.read(file, snapshot.l1Offset(), snapshot.l1Size());
            image.trees().check(target, Qcow2SnapshotTable.printable(snapshot.name()));
            for (int i = 0; i < target.length; i++) {
                // Flags in a snapshot's table are stale; the final pass below sets the active table's.
                target[i] &= Qcow2Image.OFFSET_MASK;
            }
            Qcow2L1Table l1 = image.l1();
            l1.grow(target.length, true, refcounts);
            // The snapshot's clusters gain the running image's reference before its table points at them; the old
            // clusters lose theirs only after, so a crash between leaves leaks, never a cluster freed in use.
            image.trees().update(target.clone(), 1);
            long[] old = l1.copy();
            l1.replace(target);
            image.dropCaches();
            image.trees().update(old, -1);
            long[] active = l1.copy();
            if (image.trees().update(active, 0)) {
                l1.replace(active);
            }
            image.flush();
        }
    }

    @Override
    public void delete(String idOrName) throws IOException {
        synchronized (image) {
            checkWritable();
            Qcow2Snapshot snapshot = byIdOrName(idOrName);
            long[] tree = Qcow2L1Table.read(file, snapshot.l1Offset(), snapshot.l1Size());
            image.trees().check(tree, Qcow2SnapshotTable.printable(snapshot.name()));
            List<Qcow2Snapshot> rest = new ArrayList<>(snapshots);
            rest.removeIf(s -> s == snapshot);
            writeTable(rest);
            // From here on, a failure can only leak clusters: nothing points at the snapshot any more.
            image.trees().update(tree, -1);
            if (snapshot.l1Size() > 0) {
                refcounts.releaseRun(snapshot.l1Offset(), 8L * snapshot.l1Size());
            }
            long[] active = image.l1().copy();
            if (image.trees().update(active, 0)) {
                image.l1().replace(active);
            }
            image.flush();
        }
    }

    @Override
    public void writeVmState(ByteBuffer source, long position) throws IOException {
        synchronized (image) {
            checkWritable();
            checkVmStateRange(position, source.remaining());
            image.writeRange(source, image.vmStateOffset() + position);
        }
    }

    @Override
    public void readVmState(ByteBuffer destination, long position) throws IOException {
        synchronized (image) {
            checkVmStateRange(position, destination.remaining());
            image.readRange(destination, image.vmStateOffset() + position);
        }
    }

    private void checkVmStateRange(long position, long length) throws IOException {
        ImageRanges.check(position, length, image.addressLimit() - image.vmStateOffset());
    }

    private void checkWritable() throws IOException {
        ImageRanges.checkWritable(image.readOnly(), file.path());
    }

    /** QEMU's lookup for goto and qemu-img's delete: an id first, then a name. */
    private Qcow2Snapshot byIdOrName(String idOrName) throws IOException {
        for (Qcow2Snapshot s : snapshots) {
            if (s.id().equals(idOrName)) {
                return s;
            }
        }
        for (Qcow2Snapshot s : snapshots) {
            if (s.name().equals(idOrName)) {
                return s;
            }
        }
        throw new IOException(file.path() + ": no snapshot with id or name '"
                + Qcow2SnapshotTable.printable(idOrName) + "'");
    }

    /** One more than the largest id read as a number (its leading digits, as strtoul does), as QEMU numbers them. */
    private String nextId() {
        long max = 0;
        for (Qcow2Snapshot s : snapshots) {
            String id = s.id();
            int digits = 0;
            while (digits < id.length() && digits < 18 && Character.isDigit(id.charAt(digits))) {
                digits++;
            }
            if (digits > 0) {
                max = Math.max(max, Long.parseLong(id.substring(0, digits)));
            }
        }
        return Long.toString(max + 1);
    }

    /**
     * Writes {@code table} as the new snapshot table: new clusters, durable before one header write switches to
     * them, then the old table's clusters are freed.
     */
    private void writeTable(List<Qcow2Snapshot> table) throws IOException {
        long length = Qcow2SnapshotTable.length(table);
        if (length > Qcow2SnapshotTable.MAX_TABLE_BYTES) {
            throw new IOException(file.path() + ": qcow2 snapshot table would exceed "
                    + Qcow2SnapshotTable.MAX_TABLE_BYTES + " bytes; delete some snapshots");
        }
        long offset = 0;
        if (length > 0) {
            offset = refcounts.allocateRun(length);
            file.write(Qcow2SnapshotTable.encode(table), offset);
        }
        image.flush();
        file.write(ByteBuffer.allocate(12).putInt(0, table.size()).putLong(4, offset),
                Qcow2Header.SNAPSHOT_FIELDS_OFFSET);
        image.flush();
        if (tableLength > 0) {
            refcounts.releaseRun(tableOffset, tableLength);
        }
        snapshots = List.copyOf(table);
        tableOffset = offset;
        tableLength = length;
    }
}

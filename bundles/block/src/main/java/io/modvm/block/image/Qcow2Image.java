package io.modvm.block.image;

import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A qcow2 image (versions 2 and 3): the two-level cluster map, copy-on-write of clusters from the backing image, zero
 * clusters, compressed clusters (read; a write re-allocates them), and allocation through {@link Qcow2Refcounts}.
 *
 * <p>Every metadata change is written to the file at once (the caches are write-through), in the order that keeps
 * the image consistent if the process dies between any two writes: new data before the L2 entry that points at it,
 * a new L2 table before the L1 entry, and a freed cluster's refcount lowered only after its L2 entry is gone. A flush
 * is then a single fsync.
 *
 * <p>Internal snapshots share clusters with the running image: a cluster (data or L2 table) whose refcount is above
 * one is never written in place. A write gives the running image its own copy, and QCOW_OFLAG_COPIED marks, as in
 * QEMU, exactly the entries of the active tables whose cluster has refcount one, so that a write can tell without
 * reading refcounts. The snapshot operations themselves are in {@link Qcow2Snapshots}.
 */
final class Qcow2Image extends FileImage {
    /** Bits 9 to 55 of an L1, L2 or refcount table entry hold a file offset. */
    static final long OFFSET_MASK = 0x00FF_FFFF_FFFF_FE00L;
    private static final long COPIED = 1L << 63;
    private static final long COMPRESSED = 1L << 62;
    private static final long ZERO = 1L;
    private static final int CACHED_TABLES = 32;

    private final Qcow2Header header;
    private final DiskImage backing;
    private final int clusterBits;
    private final long clusterSize;
    private final int l2Bits;
    private final Qcow2L1Table l1;
    private final Qcow2Refcounts refcounts;
    private final Qcow2Snapshots snapshots;
    private final Qcow2Compressed compressed;
    private final Map<Long, long[]> l2Cache = new LinkedHashMap<>(CACHED_TABLES, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, long[]> eldest) {
            return size() > CACHED_TABLES;
        }
    };

    Qcow2Image(HostFile file, Qcow2Header header, boolean readOnly, CacheMode cache, DiskImage backing)
            throws IOException {
        super(file, readOnly, cache);
        this.header = header;
        this.backing = backing;
        this.clusterBits = header.clusterBits();
        this.clusterSize = header.clusterSize();
        this.l2Bits = clusterBits - 3;
        this.l1 = new Qcow2L1Table(file, header.l1Offset(), header.l1Size());
        this.refcounts = new Qcow2Refcounts(file, header);
        this.snapshots = new Qcow2Snapshots(this, file, header, refcounts);
        this.compressed = new Qcow2Compressed(file, clusterBits);
        if (!readOnly && header.autoclearFeatures() != 0) {
            // Autoclear features (persistent bitmaps...) describe data this writer will not keep up to date; the
            // spec says to clear the bits so the next reader knows.
            file.write(ByteBuffer.allocate(8), Qcow2Header.AUTOCLEAR_OFFSET);
        }
    }

    @Override
    public String format() {
        return "qcow2";
    }

    @Override
    public long size() {
        return header.size();
    }

    @Override
    public DiskImage backing() {
        return backing;
    }

    @Override
    public String backingName() {
        return header.backingFile();
    }

    @Override
    public long clusterSize() {
        return clusterSize;
    }

    @Override
    public Map<String, Object> formatSpecific() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("compat", header.version() >= 3 ? "1.1" : "0.10");
        if (header.version() >= 3) {
            data.put("compression-type", "zlib");
            data.put("lazy-refcounts", false);
        }
        data.put("refcount-bits", (long) (1 << header.refcountOrder()));
        if (header.version() >= 3) {
            data.put("corrupt", false);
            data.put("extended-l2", false);
        }
        return data;
    }

    @Override
    public Qcow2Snapshots internalSnapshots() {
        return snapshots;
    }

    @Override
    public long discardGranularity() {
        return clusterSize;
    }

    @Override
    public synchronized void read(ByteBuffer destination, long offset) throws IOException {
        ImageRanges.check(offset, destination.remaining(), size());
        readRange(destination, offset);
    }

    /** Reads at any offset the L1 table can address: the disk, or the VM state area past it. */
    void readRange(ByteBuffer destination, long offset) throws IOException {
        long at = offset;
        while (destination.hasRemaining()) {
            int inCluster = (int) (at & (clusterSize - 1));
            int n = (int) Math.min(destination.remaining(), clusterSize - inCluster);
            ByteBuffer part = destination.slice(destination.position(), n);
            readCluster(l2Entry(at >> clusterBits), at, part);
            destination.position(destination.position() + n);
            at += n;
        }
    }

    /** Reads {@code part} (within one cluster) at disk offset {@code at}, whose L2 entry is {@code entry}. */
    private void readCluster(long entry, long at, ByteBuffer part) throws IOException {
        int inCluster = (int) (at & (clusterSize - 1));
        if ((entry & COMPRESSED) != 0) {
            ByteBuffer cluster = compressed.read(entry, clusterSize);
            part.put(cluster.slice(inCluster, part.remaining()));
        } else if ((entry & ZERO) != 0 && header.version() >= 3) {
            BufferRuns.zeroRest(part);
        } else if ((entry & OFFSET_MASK) != 0) {
            file.read(part, dataOffset(entry) + inCluster);
        } else {
            readBacking(part, at);
        }
    }

    private void readBacking(ByteBuffer part, long at) throws IOException {
        long fromBacking = backing == null ? 0 : Math.max(0, Math.min(part.remaining(), backing.size() - at));
        if (fromBacking > 0) {
            ByteBuffer head = part.slice(part.position(), (int) fromBacking);
            backing.read(head, at);
            part.position(part.position() + (int) fromBacking);
        }
        BufferRuns.zeroRest(part);
    }

    @Override
    public synchronized void write(ByteBuffer source, long offset) throws IOException {
        ImageRanges.checkWritable(readOnly, path());
        ImageRanges.check(offset, source.remaining(), size());
        writeRange(source, offset);
    }

    /** Writes at any offset the L1 table can address: the disk, or the VM state area past it. */
    void writeRange(ByteBuffer source, long offset) throws IOException {
        long at = offset;
        while (source.hasRemaining()) {
            int inCluster = (int) (at & (clusterSize - 1));
            int n = (int) Math.min(source.remaining(), clusterSize - inCluster);
            writeCluster(at, source.slice(source.position(), n));
            source.position(source.position() + n);
            at += n;
        }
    }

    /** Writes {@code data} (within one cluster) at disk offset {@code at}. */
    private void writeCluster(long at, ByteBuffer data) throws IOException {
        long vcluster = at >> clusterBits;
        int inCluster = (int) (at & (clusterSize - 1));
        long entry = l2Entry(vcluster);
        if (inPlace(entry)) {
            file.write(data, dataOffset(entry) + inCluster);
            return;
        }
        ByteBuffer cluster = ByteBuffer.allocate((int) clusterSize);
        if (data.remaining() != clusterSize) {
            readCluster(entry, vcluster << clusterBits, cluster.duplicate());
        }
        cluster.put(inCluster, data, data.position(), data.remaining());
        replaceCluster(vcluster, entry, cluster);
    }

    /** A normal cluster that only this image's L2 entry uses can be overwritten where it is. */
    private boolean inPlace(long entry) {
        return (entry & (COMPRESSED | ZERO)) == 0 && (entry & COPIED) != 0 && (entry & OFFSET_MASK) != 0;
    }

    /** Gives {@code vcluster} a new host cluster holding {@code contents}, then frees what it used before. */
    private void replaceCluster(long vcluster, long oldEntry, ByteBuffer contents) throws IOException {
        long host = refcounts.allocate();
        file.write(contents.clear(), host);
        setL2Entry(vcluster, host | COPIED);
        releaseClusters(oldEntry);
    }

    /** Drops the references an old L2 entry held: its data cluster, or the clusters its compressed data spans. */
    private void releaseClusters(long entry) throws IOException {
        if ((entry & COMPRESSED) != 0) {
            for (long host : compressed.hostClusters(entry)) {
                refcounts.release(host);
            }
        } else if ((entry & OFFSET_MASK) != 0) {
            refcounts.release(dataOffset(entry));
        }
    }

    @Override
    public synchronized void writeZeroes(long offset, long length, boolean unmap) throws IOException {
        ImageRanges.checkWritable(readOnly, path());
        ImageRanges.check(offset, length, size());
        unmapOrZero(offset, length, true);
    }

    @Override
    public synchronized void discard(long offset, long length) throws IOException {
        ImageRanges.checkWritable(readOnly, path());
        ImageRanges.check(offset, length, size());
        unmapOrZero(offset, length, false);
    }

    /**
     * Whole clusters become zero clusters (v3) or unallocated (no backing image), and give their host cluster back;
     * partial clusters are written with zeroes when {@code mustZero}, and left alone by a discard. A v2 image over a
     * backing file has no way to say "zero", so there a discard leaves whole clusters as they are too.
     */
    private void unmapOrZero(long offset, long length, boolean mustZero) throws IOException {
        long at = offset;
        long end = offset + length;
        while (at < end) {
            int inCluster = (int) (at & (clusterSize - 1));
            long n = Math.min(end - at, clusterSize - inCluster);
            // The last cluster may end past the virtual size; nothing reads its tail, so it counts as whole.
            boolean whole = inCluster == 0 && (n == clusterSize || at + n == size());
            long vcluster = at >> clusterBits;
            if (whole && (header.version() >= 3 || backing == null)) {
                replaceEntry(vcluster, backing != null ? ZERO : 0);
            } else if (mustZero) {
                writeCluster(at, ByteBuffer.allocate((int) n));
            }
            at += n;
        }
    }

    /**
     * Makes the clusters of {@code [offset, offset + length)} unallocated, whole clusters past the disk (the VM state
     * area) that no guest reads: QEMU's discard of the state once a snapshot holds it.
     */
    void unmapPastDisk(long offset, long length) throws IOException {
        for (long at = offset; at < offset + length; at += clusterSize) {
            replaceEntry(at >> clusterBits, 0);
        }
    }

    /** Points {@code vcluster} at {@code replacement} (no data, or the zero flag) and drops what it held. */
    private void replaceEntry(long vcluster, long replacement) throws IOException {
        long old = l2Entry(vcluster);
        if (old != replacement) {
            setL2Entry(vcluster, replacement);
            releaseClusters(old);
        }
    }

    private long l2Entry(long vcluster) throws IOException {
        int l1Index = (int) (vcluster >> l2Bits);
        long l2Offset = l1.get(l1Index) & OFFSET_MASK;
        if (l2Offset == 0) {
            return 0;
        }
        return l2Table(l2Offset)[(int) (vcluster & ((1L << l2Bits) - 1))];
    }

    private long[] l2Table(long l2Offset) throws IOException {
        long[] table = l2Cache.get(l2Offset);
        if (table == null) {
            checkClusterOffset(l2Offset, "L2 table");
            ByteBuffer raw = ByteBuffer.allocate((int) clusterSize);
            file.read(raw, l2Offset);
            table = new long[(int) (clusterSize / 8)];
            for (int i = 0; i < table.length; i++) {
                table[i] = raw.getLong(8 * i);
            }
            l2Cache.put(l2Offset, table);
        }
        return table;
    }

    /**
     * Points {@code vcluster} at {@code value}. A missing L2 table is allocated and written whole, with the entry,
     * before the L1 entry points at it.
     */
    private void setL2Entry(long vcluster, long value) throws IOException {
        int l1Index = (int) (vcluster >> l2Bits);
        int l2Index = (int) (vcluster & ((1L << l2Bits) - 1));
        long l2Offset = l1.get(l1Index) & OFFSET_MASK;
        if (l2Offset == 0) {
            if (value == 0) {
                return;
            }
            // Only the VM state area reaches past the table; it grows as QEMU's does.
            l1.grow(l1Index + 1, false, refcounts);
            long[] table = new long[(int) (clusterSize / 8)];
            table[l2Index] = value;
            installL2Table(l1Index, table);
            return;
        }
        long[] table = l2Table(l2Offset);
        if ((l1.get(l1Index) & COPIED) == 0) {
            // A snapshot shares this table: the running image takes its own copy, in which every cluster is now
            // referenced from two tables (so none is COPIED), and lets go of the shared one.
            long[] copy = new long[table.length];
            for (int i = 0; i < copy.length; i++) {
                copy[i] = table[i] & ~COPIED;
            }
            copy[l2Index] = value;
            installL2Table(l1Index, copy);
            refcounts.release(l2Offset);
            return;
        }
        table[l2Index] = value;
        file.write(ByteBuffer.allocate(8).putLong(0, value), l2Offset + 8L * l2Index);
    }

    /** Writes {@code table} to a new cluster, then points L1 entry {@code l1Index} at it. */
    private void installL2Table(int l1Index, long[] table) throws IOException {
        long host = refcounts.allocate();
        writeL2Table(host, table);
        l2Cache.put(host, table);
        l1.set(l1Index, host | COPIED);
    }

    private void writeL2Table(long host, long[] table) throws IOException {
        Qcow2L1Table.write(file, host, table);
    }

    /** The offset of the VM state area: the first byte that no L1 entry of the disk itself covers, as in QEMU. */
    long vmStateOffset() {
        long l2Span = clusterSize << l2Bits;
        return (header.size() + l2Span - 1) / l2Span * l2Span;
    }

    /** The first offset past what the largest L1 table QEMU allows can address. */
    long addressLimit() {
        return (long) Qcow2SnapshotTable.MAX_L1_ENTRIES << (clusterBits + l2Bits);
    }

    /** The active L1 table. */
    Qcow2L1Table l1() {
        return l1;
    }

    /**
     * Adds {@code addend} (1, 0 or -1) to the refcount of every cluster the tree under {@code l1Entries} uses (its
     * L2 tables, their data clusters, compressed clusters), and sets QCOW_OFLAG_COPIED in its L2 tables and in
     * {@code l1Entries} where the refcount ends up one, clears it elsewhere. Returns whether {@code l1Entries}
     * changed; the caller writes it if it is the active table. A refcount is raised only after the flag that allows
     * writing in place is gone, and flags are set only once the refcount has come down.
     */
    boolean updateRefcounts(long[] l1Entries, int addend) throws IOException {
        boolean l1Changed = false;
        for (int i = 0; i < l1Entries.length; i++) {
            long l2Offset = l1Entries[i] & OFFSET_MASK;
            if (l2Offset == 0) {
                continue;
            }
            long[] table = l2Table(l2Offset);
            boolean changed = false;
            for (int j = 0; j < table.length; j++) {
                long entry = table[j];
                long updated = addend > 0 ? entry & ~COPIED : entry;
                if (addend > 0 && updated != entry) {
                    table[j] = updated;
                    changed = true;
                }
            }
            if (changed) {
                writeL2Table(l2Offset, table);
                changed = false;
            }
            for (int j = 0; j < table.length; j++) {
                long entry = table[j];
                long updated = entry & ~COPIED;
                if ((entry & COMPRESSED) != 0) {
                    if (addend != 0) {
                        for (long host : compressed.hostClusters(entry)) {
                            adjust(host, addend);
                        }
                    }
                } else if ((entry & OFFSET_MASK) != 0) {
                    long host = dataOffset(entry);
                    if (addend != 0) {
                        adjust(host, addend);
                    }
                    if (refcounts.get(host) == 1) {
                        updated |= COPIED;
                    }
                }
                if (updated != entry) {
                    table[j] = updated;
                    changed = true;
                }
            }
            if (changed) {
                writeL2Table(l2Offset, table);
            }
            if (addend != 0) {
                adjust(l2Offset, addend);
            }
            long updated = refcounts.get(l2Offset) == 1 ? l2Offset | COPIED : l2Offset;
            if (updated != l1Entries[i]) {
                l1Entries[i] = updated;
                l1Changed = true;
            }
        }
        return l1Changed;
    }

    /**
     * Refuses a snapshot's tree before any refcount changes if it points at clusters that are misaligned or not in
     * use, so that a damaged table cannot leave refcounts half updated.
     */
    void checkTree(long[] l1Entries, String snapshot) throws IOException {
        for (long l1Entry : l1Entries) {
            long l2Offset = l1Entry & OFFSET_MASK;
            if (l2Offset == 0) {
                continue;
            }
            checkInUse(l2Offset, snapshot);
            for (long entry : l2Table(l2Offset)) {
                if ((entry & COMPRESSED) != 0) {
                    for (long host : compressed.hostClusters(entry)) {
                        checkInUse(host, snapshot);
                    }
                } else if ((entry & OFFSET_MASK) != 0) {
                    checkInUse(entry & OFFSET_MASK, snapshot);
                }
            }
        }
    }

    private void checkInUse(long host, String snapshot) throws IOException {
        if ((host & (clusterSize - 1)) != 0 || refcounts.get(host) == 0) {
            throw new ImageFormatException(path() + ": qcow2 snapshot '" + snapshot + "' uses the cluster at " + host
                    + ", which is misaligned or free; repair the image with qemu-img check -r all");
        }
    }

    private void adjust(long host, int addend) throws IOException {
        if (addend > 0) {
            refcounts.addRef(host);
        } else {
            refcounts.release(host);
        }
    }

    /** Forgets cached L2 tables, after the active L1 table was replaced. */
    void dropCaches() {
        l2Cache.clear();
    }

    private long dataOffset(long entry) throws IOException {
        long host = entry & OFFSET_MASK;
        checkClusterOffset(host, "data cluster");
        return host;
    }

    private void checkClusterOffset(long host, String what) throws IOException {
        if ((host & (clusterSize - 1)) != 0) {
            throw new ImageFormatException(path() + ": qcow2 " + what + " at " + host
                    + " is not cluster-aligned; repair the image with qemu-img check -r all");
        }
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            if (backing != null) {
                backing.close();
            }
        }
    }
}

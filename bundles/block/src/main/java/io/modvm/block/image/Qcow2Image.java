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
    /** Entry flag: the cluster's refcount is exactly one, so it may be written in place. */
    static final long COPIED = 1L << 63;
    static final long COMPRESSED = 1L << 62;
    private static final long ZERO = 1L;

    private final Qcow2Header header;
    private final DiskImage backing;
    private final int clusterBits;
    private final long clusterSize;
    private final int l2Bits;
    private final Qcow2L1Table l1;
    private final Qcow2Refcounts refcounts;
    private final Qcow2Snapshots snapshots;
    private final Qcow2Compressed compressed;
    private final Qcow2L2Tables l2Tables;
    private final Qcow2TreeRefcounts trees;

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
        this.compressed = new Qcow2Compressed(file, clusterBits);
        this.l2Tables = new Qcow2L2Tables(file, clusterSize);
        this.trees = new Qcow2TreeRefcounts(file, clusterSize, l2Tables, refcounts, compressed);
        this.snapshots = new Qcow2Snapshots(this, file, header, refcounts);
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
        try {
            file.write(contents.clear(), host);
            setL2Entry(vcluster, host | COPIED);
        } catch (IOException | RuntimeException e) {
            giveBack(host, e);
            throw e;
        }
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
        return l2Tables.get(l2Offset)[(int) (vcluster & ((1L << l2Bits) - 1))];
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
        long[] table = l2Tables.get(l2Offset);
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
        l2Tables.writeEntry(l2Offset, l2Index, value);
    }

    /** Writes {@code table} to a new cluster, then points L1 entry {@code l1Index} at it. */
    private void installL2Table(int l1Index, long[] table) throws IOException {
        long host = refcounts.allocate();
        try {
            l2Tables.write(host, table);
            l1.set(l1Index, host | COPIED);
        } catch (IOException | RuntimeException e) {
            giveBack(host, e);
            throw e;
        }
    }

    /**
     * A cluster allocated for a write that failed (a full disk) is given back, so that the image has no leaked
     * cluster afterwards; if even that fails, the leak is what qemu-img check would report, and the first error
     * stands.
     */
    private void giveBack(long host, Exception cause) {
        try {
            refcounts.release(host);
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
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

    /** Refcount changes of whole trees, for the snapshot operations. */
    Qcow2TreeRefcounts trees() {
        return trees;
    }

    /** Forgets cached L2 tables, after the active L1 table was replaced. */
    void dropCaches() {
        l2Tables.clear();
    }

    private long dataOffset(long entry) throws IOException {
        long host = entry & OFFSET_MASK;
        l2Tables.checkAligned(host, "data cluster");
        return host;
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

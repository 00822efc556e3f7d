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
 * is then a single fsync. Images with internal snapshots open read-only only, since their clusters may be shared.
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
    private final long[] l1;
    private final Qcow2Refcounts refcounts;
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
        if (!readOnly && header.snapshots() != 0) {
            throw new ImageFormatException(file.path() + ": qcow2 images with internal snapshots can only be"
                    + " opened read-only here; use readonly=on, or delete the snapshots with qemu-img snapshot -d");
        }
        ByteBuffer raw = ByteBuffer.allocate(8 * header.l1Size());
        file.read(raw, header.l1Offset());
        this.l1 = new long[header.l1Size()];
        for (int i = 0; i < l1.length; i++) {
            l1[i] = raw.getLong(8 * i);
        }
        this.refcounts = new Qcow2Refcounts(file, header);
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
    public long discardGranularity() {
        return clusterSize;
    }

    @Override
    public synchronized void read(ByteBuffer destination, long offset) throws IOException {
        ImageRanges.check(offset, destination.remaining(), size());
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
                long old = l2Entry(vcluster);
                long replacement = backing != null ? ZERO : 0;
                if (old != replacement) {
                    setL2Entry(vcluster, replacement);
                    releaseClusters(old);
                }
            } else if (mustZero) {
                writeCluster(at, ByteBuffer.allocate((int) n));
            }
            at += n;
        }
    }

    private long l2Entry(long vcluster) throws IOException {
        int l1Index = (int) (vcluster >> l2Bits);
        long l2Offset = l1[l1Index] & OFFSET_MASK;
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
        long l2Offset = l1[l1Index] & OFFSET_MASK;
        if (l2Offset == 0) {
            if (value == 0) {
                return;
            }
            long[] table = new long[(int) (clusterSize / 8)];
            table[l2Index] = value;
            long host = refcounts.allocate();
            ByteBuffer raw = ByteBuffer.allocate((int) clusterSize);
            raw.putLong(8 * l2Index, value);
            file.write(raw, host);
            l2Cache.put(host, table);
            l1[l1Index] = host | COPIED;
            file.write(ByteBuffer.allocate(8).putLong(0, l1[l1Index]), header.l1Offset() + 8L * l1Index);
            return;
        }
        if ((l1[l1Index] & COPIED) == 0) {
            throw new ImageFormatException(path() + ": qcow2 L2 table at " + l2Offset
                    + " is shared (no COPIED flag), which a snapshot-free image should not have");
        }
        long[] table = l2Table(l2Offset);
        table[l2Index] = value;
        file.write(ByteBuffer.allocate(8).putLong(0, value), l2Offset + 8L * l2Index);
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

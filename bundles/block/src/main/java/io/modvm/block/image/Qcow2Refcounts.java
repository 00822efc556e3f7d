package io.modvm.block.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The refcount table and blocks of a qcow2 image, and cluster allocation.
 *
 * <p>Crash safety under SIGKILL rests on write order alone (each write reaches the page cache before the next
 * starts): a cluster's refcount is raised before anything points at it, and lowered only after the last pointer to it
 * is gone. A kill in between leaves a cluster with a refcount and no user, which {@code qemu-img check} reports as a
 * leak, never as an error. New clusters are taken at the end of the file (freed ones are not reused in the same
 * session), so a cluster is never written while a stale pointer to it may still exist on disk.
 *
 * <p>When the file outgrows what the refcount table can describe, the table moves to a larger copy at the end of
 * the file (see {@link #growTable}).
 */
final class Qcow2Refcounts {
    private static final int CACHED_BLOCKS = 16;

    private final HostFile file;
    private final long clusterSize;
    private final int clusterBits;
    /** Header field refcount_table_offset, followed by refcount_table_clusters: one write switches tables. */
    private static final int HEADER_TABLE_FIELDS = 48;
    private static final long MAX_TABLE_CLUSTERS = 1 << 20;

    private long tableOffset;
    private long[] table;
    private final int refcountBytes;
    private final long entriesPerBlock;
    private final long maxRefcount;
    private final Map<Long, ByteBuffer> blocks = new LinkedHashMap<>(CACHED_BLOCKS, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ByteBuffer> eldest) {
            return size() > CACHED_BLOCKS;
        }
    };
    /** Cluster index from which to look for a free cluster: never below the end of file at open. */
    private long nextFree;

    Qcow2Refcounts(HostFile file, Qcow2Header header) throws IOException {
        this.file = file;
        this.clusterBits = header.clusterBits();
        this.clusterSize = header.clusterSize();
        this.tableOffset = header.refcountTableOffset();
        this.refcountBytes = (1 << header.refcountOrder()) / 8;
        this.entriesPerBlock = clusterSize / refcountBytes;
        this.maxRefcount = refcountBytes == 8 ? Long.MAX_VALUE : (1L << (8 * refcountBytes)) - 1;
        int entries = (int) (header.refcountTableClusters() * clusterSize / 8);
        ByteBuffer raw = ByteBuffer.allocate(entries * 8);
        file.read(raw, tableOffset);
        this.table = new long[entries];
        for (int i = 0; i < entries; i++) {
            long entry = raw.getLong(i * 8);
            long offset = entry & Qcow2Image.OFFSET_MASK;
            if (entry != offset || (offset & (clusterSize - 1)) != 0) {
                throw new ImageFormatException(file.path() + ": qcow2 refcount table entry " + i
                        + " is invalid (0x" + Long.toHexString(entry) + "); repair it with qemu-img check -r all");
            }
            table[i] = offset;
        }
        this.nextFree = (file.size() + clusterSize - 1) >> clusterBits;
    }

    /** The refcount of the cluster at file offset {@code hostOffset}; 0 where no refcount block exists. */
    long get(long hostOffset) throws IOException {
        long cluster = hostOffset >> clusterBits;
        long blockIndex = cluster / entriesPerBlock;
        if (blockIndex >= table.length || table[(int) blockIndex] == 0) {
            return 0;
        }
        ByteBuffer block = block(table[(int) blockIndex]);
        return read(block, (int) (cluster % entriesPerBlock));
    }

    /**
     * Takes a new cluster at the end of the file, with refcount 1, and returns its file offset. The file is grown to
     * hold it first, so that no refcount ever points past the end of the file.
     */
    long allocate() throws IOException {
        while (true) {
            long cluster = nextFree;
            long blockIndex = cluster / entriesPerBlock;
            if (blockIndex >= table.length) {
                growTable(cluster);
                continue;
            }
            if (table[(int) blockIndex] == 0) {
                addBlock(blockIndex, cluster);
                continue;
            }
            ByteBuffer block = block(table[(int) blockIndex]);
            int index = (int) (cluster % entriesPerBlock);
            if (read(block, index) != 0) {
                nextFree++;
                continue;
            }
            growTo(cluster + 1);
            write(table[(int) blockIndex], block, index, 1);
            nextFree = cluster + 1;
            return cluster << clusterBits;
        }
    }

    /**
     * Takes {@code bytes} worth of consecutive new clusters (at least one) and returns the offset of the first. A
     * run cut by a refcount block placed on the way is given back and taken again after it.
     */
    long allocateRun(long bytes) throws IOException {
        long clusters = Math.max(1, (bytes + clusterSize - 1) >> clusterBits);
        if (clusters >= entriesPerBlock) {
            throw new IOException(file.path() + ": qcow2 table of " + bytes + " bytes is too large for a cluster"
                    + " size of " + clusterSize + "; convert the image with a larger cluster_size");
        }
        for (int attempt = 0; attempt < 4; attempt++) {
            long first = allocate();
            long last = first;
            while (last - first < (clusters - 1) << clusterBits) {
                long next = allocate();
                if (next != last + clusterSize) {
                    releaseRun(first, last + clusterSize - first);
                    release(next);
                    break;
                }
                last = next;
            }
            if (last - first == (clusters - 1) << clusterBits) {
                return first;
            }
        }
        throw new IOException(file.path() + ": qcow2 found no run of " + clusters + " free clusters");
    }

    /** Drops one reference to each cluster of {@code [offset, offset + bytes)}. */
    void releaseRun(long offset, long bytes) throws IOException {
        for (long at = offset; at < offset + bytes; at += clusterSize) {
            release(at);
        }
    }

    /** Adds one reference to the cluster at {@code hostOffset}, which must be in use already. */
    void addRef(long hostOffset) throws IOException {
        adjust(hostOffset, 1);
    }

    /** Drops one reference to the cluster at {@code hostOffset}. */
    void release(long hostOffset) throws IOException {
        adjust(hostOffset, -1);
    }

    /** Adds {@code delta} (1 or -1) to the refcount of a cluster in use. */
    private void adjust(long hostOffset, int delta) throws IOException {
        long cluster = hostOffset >> clusterBits;
        long blockIndex = cluster / entriesPerBlock;
        if (blockIndex >= table.length || table[(int) blockIndex] == 0) {
            throw new ImageFormatException(file.path() + ": qcow2 cluster at " + hostOffset
                    + " is in use but has no refcount block; repair the image with qemu-img check -r all");
        }
        ByteBuffer block = block(table[(int) blockIndex]);
        int index = (int) (cluster % entriesPerBlock);
        long refcount = read(block, index);
        if (refcount == 0) {
            throw new ImageFormatException(file.path() + ": qcow2 cluster at " + hostOffset
                    + " is in use with refcount 0; repair the image with qemu-img check -r all");
        }
        write(table[(int) blockIndex], block, index, refcount + delta);
    }

    /**
     * Places a new refcount block for table slot {@code blockIndex} at cluster {@code cluster}, which the block itself
     * covers (it is the first cluster past the end of the file, in the range of that slot). The block is written,
     * counting itself, before the table points at it.
     */
    private void addBlock(long blockIndex, long cluster) throws IOException {
        long offset = cluster << clusterBits;
        ByteBuffer block = ByteBuffer.allocate((int) clusterSize);
        put(block, (int) (cluster % entriesPerBlock), 1);
        file.write(block.duplicate().clear(), offset);
        ByteBuffer entry = ByteBuffer.allocate(8).putLong(0, offset);
        file.write(entry, tableOffset + 8 * blockIndex);
        table[(int) blockIndex] = offset;
        blocks.put(offset, block);
        nextFree = cluster + 1;
    }

    /**
     * Replaces the refcount table with one twice as large (or large enough for {@code cluster}), placed past the end
     * of the file together with a new refcount block that counts itself and the new table, so that nothing else needs
     * allocating meanwhile. Order: block, table, then one header write that switches to the new table, then the old
     * table's clusters are released. A kill before the header write leaves only unreferenced clusters past the old
     * end; a kill after it, at most a leaked old table.
     */
    private void growTable(long cluster) throws IOException {
        long clusterEntries = clusterSize / 8;
        long blockIndex = cluster / entriesPerBlock;
        long entries = Math.max(blockIndex + 2, 2L * table.length);
        long tableClusters = (entries + clusterEntries - 1) / clusterEntries;
        long blockCluster = cluster;
        if ((blockCluster + tableClusters) / entriesPerBlock != blockIndex) {
            // The block and the table must lie in the range the block describes: start at the next range instead.
            blockIndex++;
            blockCluster = blockIndex * entriesPerBlock;
            entries = Math.max(entries, blockIndex + 1);
            tableClusters = (entries + clusterEntries - 1) / clusterEntries;
        }
        if (tableClusters > MAX_TABLE_CLUSTERS || tableClusters + 1 > entriesPerBlock) {
            throw new IOException(file.path() + ": qcow2 refcount table cannot grow beyond " + table.length
                    + " entries here; compact the image with qemu-img convert -O qcow2");
        }
        long tableCluster = blockCluster + 1;
        ByteBuffer block = ByteBuffer.allocate((int) clusterSize);
        for (long c = blockCluster; c <= tableCluster + tableClusters - 1; c++) {
            put(block, (int) (c % entriesPerBlock), 1);
        }
        file.write(block.duplicate().clear(), blockCluster << clusterBits);
        long[] grown = Arrays.copyOf(table, (int) (tableClusters * clusterEntries));
        grown[(int) blockIndex] = blockCluster << clusterBits;
        ByteBuffer raw = ByteBuffer.allocate((int) (tableClusters * clusterSize));
        for (int i = 0; i < grown.length; i++) {
            raw.putLong(8 * i, grown[i]);
        }
        file.write(raw, tableCluster << clusterBits);
        ByteBuffer fields = ByteBuffer.allocate(12).putLong(0, tableCluster << clusterBits)
                .putInt(8, (int) tableClusters);
        file.write(fields, HEADER_TABLE_FIELDS);
        long oldOffset = tableOffset;
        long oldClusters = (long) table.length * 8 / clusterSize;
        table = grown;
        tableOffset = tableCluster << clusterBits;
        blocks.put(blockCluster << clusterBits, block);
        nextFree = tableCluster + tableClusters;
        for (long c = 0; c < oldClusters; c++) {
            release(oldOffset + (c << clusterBits));
        }
    }

    private void growTo(long clusters) throws IOException {
        long end = clusters << clusterBits;
        if (file.size() < end) {
            file.write(ByteBuffer.allocate(1), end - 1);
        }
    }

    private ByteBuffer block(long offset) throws IOException {
        ByteBuffer block = blocks.get(offset);
        if (block == null) {
            block = ByteBuffer.allocate((int) clusterSize);
            file.read(block, offset);
            blocks.put(offset, block);
        }
        return block;
    }

    private void write(long blockOffset, ByteBuffer block, int index, long value) throws IOException {
        if (value > maxRefcount) {
            throw new IOException(file.path() + ": qcow2 refcount overflow");
        }
        put(block, index, value);
        file.write(block.slice(index * refcountBytes, refcountBytes), blockOffset + (long) index * refcountBytes);
    }

    private long read(ByteBuffer block, int index) {
        int at = index * refcountBytes;
        return switch (refcountBytes) {
            case 1 -> Byte.toUnsignedLong(block.get(at));
            case 2 -> Short.toUnsignedLong(block.getShort(at));
            case 4 -> Integer.toUnsignedLong(block.getInt(at));
            default -> block.getLong(at);
        };
    }

    private void put(ByteBuffer block, int index, long value) {
        int at = index * refcountBytes;
        switch (refcountBytes) {
            case 1 -> block.put(at, (byte) value);
            case 2 -> block.putShort(at, (short) value);
            case 4 -> block.putInt(at, (int) value);
            default -> block.putLong(at, value);
        }
    }
}

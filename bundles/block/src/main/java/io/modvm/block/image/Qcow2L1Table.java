package io.modvm.block.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The active L1 table of a qcow2 image: kept in memory, every change written through at once. It grows (moves to a
 * larger copy) when the VM state area past the disk needs entries it lacks, or when a snapshot with a larger table
 * is applied.
 */
final class Qcow2L1Table {
    private final HostFile file;
    private long offset;
    private long[] entries;

    Qcow2L1Table(HostFile file, long offset, int size) throws IOException {
        this.file = file;
        this.offset = offset;
        this.entries = read(file, offset, size);
    }

    /** Reads an L1 table of {@code size} entries at {@code offset} (a snapshot's, or the active one). */
    static long[] read(HostFile file, long offset, int size) throws IOException {
        ByteBuffer raw = ByteBuffer.allocate(8 * size);
        file.read(raw, offset);
        long[] table = new long[size];
        raw.clear().asLongBuffer().get(table);
        return table;
    }

    /** Writes {@code table} at {@code offset}. */
    static void write(HostFile file, long offset, long[] table) throws IOException {
        ByteBuffer raw = ByteBuffer.allocate(8 * table.length);
        raw.asLongBuffer().put(table);
        file.write(raw, offset);
    }

    int size() {
        return entries.length;
    }

    long offset() {
        return offset;
    }

    /** Entry {@code index}; 0 (no L2 table) past the end. */
    long get(int index) {
        return index < entries.length ? entries[index] : 0;
    }

    long[] copy() {
        return entries.clone();
    }

    void set(int index, long value) throws IOException {
        entries[index] = value;
        file.write(ByteBuffer.allocate(8).putLong(0, value), offset + 8L * index);
    }

    /** Overwrites the whole table in place with {@code table}, padded with zeroes to the current size. */
    void replace(long[] table) throws IOException {
        long[] padded = Arrays.copyOf(table, entries.length);
        write(file, offset, padded);
        entries = padded;
    }

    /**
     * Moves the table to a copy of at least {@code minSize} entries ({@code exact}: of that many; otherwise growing
     * by half again as QEMU does, so that a growing VM state area does not move it each time). Order: new table,
     * then one header write that switches to it, then the old table's clusters are freed.
     */
    void grow(int minSize, boolean exact, Qcow2Refcounts refcounts) throws IOException {
        if (minSize <= entries.length) {
            return;
        }
        long size = exact ? minSize : Math.max(1, entries.length);
        while (size < minSize) {
            size = (size * 3 + 1) / 2;
        }
        size = Math.min(size, Qcow2SnapshotTable.MAX_L1_ENTRIES);
        if (size < minSize) {
            throw new IOException(file.path() + ": qcow2 L1 table cannot grow to " + minSize + " entries");
        }
        long[] grown = Arrays.copyOf(entries, (int) size);
        long newOffset = refcounts.allocateRun(8 * size);
        write(file, newOffset, grown);
        file.write(ByteBuffer.allocate(12).putInt(0, grown.length).putLong(4, newOffset),
                Qcow2Header.L1_FIELDS_OFFSET);
        long oldOffset = offset;
        long oldBytes = 8L * entries.length;
        offset = newOffset;
        entries = grown;
        refcounts.releaseRun(oldOffset, oldBytes);
    }
}

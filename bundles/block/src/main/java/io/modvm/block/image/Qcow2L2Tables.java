package io.modvm.block.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/** The L2 tables of a qcow2 image, read on demand and kept in a small write-through cache keyed by file offset. */
final class Qcow2L2Tables {
    private static final int CACHED_TABLES = 32;

    private final HostFile file;
    private final long clusterSize;
    private final Map<Long, long[]> cache = new LinkedHashMap<>(CACHED_TABLES, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, long[]> eldest) {
            return size() > CACHED_TABLES;
        }
    };

    Qcow2L2Tables(HostFile file, long clusterSize) {
        this.file = file;
        this.clusterSize = clusterSize;
    }

    /** The table at {@code offset}; a change to the array must be written with {@link #write} or an entry write. */
    long[] get(long offset) throws IOException {
        long[] table = cache.get(offset);
        if (table == null) {
            checkAligned(offset, "L2 table");
            table = Qcow2L1Table.read(file, offset, (int) (clusterSize / 8));
            cache.put(offset, table);
        }
        return table;
    }

    /** Writes the whole of {@code table} at {@code offset}, and keeps it as the table there. */
    void write(long offset, long[] table) throws IOException {
        Qcow2L1Table.write(file, offset, table);
        cache.put(offset, table);
    }

    /** Writes entry {@code index} of the cached table at {@code offset}. */
    void writeEntry(long offset, int index, long value) throws IOException {
        get(offset)[index] = value;
        file.write(ByteBuffer.allocate(8).putLong(0, value), offset + 8L * index);
    }

    void clear() {
        cache.clear();
    }

    /** Refuses a cluster offset (of an L2 table or data) that is not cluster-aligned. */
    void checkAligned(long host, String what) throws IOException {
        if ((host & (clusterSize - 1)) != 0) {
            throw new ImageFormatException(file.path() + ": qcow2 " + what + " at " + host
                    + " is not cluster-aligned; repair the image with qemu-img check -r all");
        }
    }
}

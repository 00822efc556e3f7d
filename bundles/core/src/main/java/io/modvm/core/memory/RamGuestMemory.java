package io.modvm.core.memory;

import io.modvm.api.accel.RamRegion;
import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.GuestMemoryException;
import io.modvm.api.memory.RamMapping;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Guest RAM as one or more guest-physical ranges backed by host regions. Host views are cut in 1 GiB chunks
 * because a Java buffer cannot exceed 2 GiB. Every access is range-checked before it touches a buffer.
 */
public final class RamGuestMemory implements GuestMemory {
    static final int CHUNK_SHIFT = 30;
    private static final long CHUNK = 1L << CHUNK_SHIFT;

    private record Range(long start, long size, ByteBuffer[] chunks, RamRegion region, long regionOffset) {
        boolean holds(long address, long length) {
            return address >= start && length >= 0 && address - start <= size - length;
        }
    }

    private final Range[] ranges;
    /** Set while a migration runs: every write and every view is recorded there. */
    private volatile WrittenPages written;

    private RamGuestMemory(Range[] ranges) {
        this.ranges = ranges;
    }

    private static final long PAGE = 4096;

    /** One range per entry: {@code guestAddress -> (region, regionOffset, size)}. */
    public static final class Builder {
        private final List<Range> ranges = new ArrayList<>();

        public Builder add(long guestAddress, RamRegion region, long regionOffset, long size) {
            int n = (int) ((size + CHUNK - 1) >>> CHUNK_SHIFT);
            ByteBuffer[] chunks = new ByteBuffer[n];
            for (int i = 0; i < n; i++) {
                long offset = (long) i << CHUNK_SHIFT;
                chunks[i] = region.view(regionOffset + offset, (int) Math.min(CHUNK, size - offset));
            }
            ranges.add(new Range(guestAddress, size, chunks, region, regionOffset));
            return this;
        }

        public RamGuestMemory build() {
            return new RamGuestMemory(ranges.toArray(new Range[0]));
        }
    }

    /** Starts (or, with null, stops) recording the pages device writes touch. */
    public void track(WrittenPages pages) {
        written = pages;
    }

    /** Marks what a device wrote through an earlier view, while a migration tracks device writes. */
    @Override
    public void written(long address, long length) {
        WrittenPages w = written;
        if (w == null || length <= 0) {
            return;
        }
        for (Range r : ranges) {
            long from = Math.max(address, r.start);
            long to = Math.min(address + length, r.start + r.size);
            if (from < to) {
                w.mark(r.region, r.regionOffset + (from - r.start), to - from);
            }
        }
    }

    private void wrote(Range r, long address, long length) {
        WrittenPages w = written;
        if (w != null) {
            w.mark(r.region, r.regionOffset + (address - r.start), length);
        }
    }

    private Range range(long address, long length) {
        for (Range r : ranges) {
            if (r.holds(address, length)) {
                return r;
            }
        }
        throw new GuestMemoryException(String.format("guest access of %d bytes at 0x%x is outside RAM", length,
                address));
    }

    /** Every range whose region has a descriptor; a range without one leaves the table empty, as nothing could map it. */
    @Override
    public List<RamMapping> mappings() {
        List<RamMapping> out = new ArrayList<>();
        for (Range r : ranges) {
            if (r.region.fd() < 0 || r.region.hostAddress() == 0) {
                return List.of();
            }
            out.add(new RamMapping(r.start, r.size, r.region.hostAddress() + r.regionOffset, r.region.fd(),
                    r.regionOffset));
        }
        return List.copyOf(out);
    }

    /** The highest guest-physical RAM address plus one. */
    public long end() {
        long end = 0;
        for (Range r : ranges) {
            end = Math.max(end, r.start + r.size);
        }
        return end;
    }

    /**
     * Sets in {@code regionPages} (one bit per 4 KiB page of {@code region}, by offset) the pages that
     * {@code guestPages} (one bit per 4 KiB guest-physical page, by address) marks, where {@code region} backs them:
     * a bitmap by guest address, as a vhost log keeps it, turned into the migration's bitmap by RAM block offset.
     */
    public void orRegionPages(long[] guestPages, RamRegion region, long[] regionPages) {
        for (Range r : ranges) {
            if (r.region != region) {
                continue;
            }
            long first = r.start / PAGE;
            long last = Math.min((r.start + r.size) / PAGE, 64L * guestPages.length);
            for (long p = first; p < last; p++) {
                long word = guestPages[(int) (p >>> 6)];
                if (word == 0) {
                    p |= 63;
                    continue;
                }
                if ((word & (1L << (p & 63))) != 0) {
                    long q = (r.regionOffset + p * PAGE - r.start) / PAGE;
                    regionPages[(int) (q >>> 6)] |= 1L << (q & 63);
                }
            }
        }
    }

    @Override
    public boolean isRam(long address, long length) {
        for (Range r : ranges) {
            if (r.holds(address, length)) {
                return true;
            }
        }
        return false;
    }

    /** The chunk holding {@code address}, or null if the access would cross into the next chunk. */
    private static ByteBuffer chunkFor(Range r, long address, int length) {
        long offset = address - r.start;
        int index = (int) (offset >>> CHUNK_SHIFT);
        long within = offset & (CHUNK - 1);
        return within + length <= CHUNK ? r.chunks[index] : null;
    }

    private static int within(Range r, long address) {
        return (int) ((address - r.start) & (CHUNK - 1));
    }

    private long readValue(long address, int size) {
        Range r = range(address, size);
        ByteBuffer chunk = chunkFor(r, address, size);
        if (chunk == null) {
            long value = 0;
            for (int i = size - 1; i >= 0; i--) {
                value = value << 8 | (readByte(address + i) & 0xFF);
            }
            return value;
        }
        int at = within(r, address);
        return switch (size) {
            case 1 -> chunk.get(at);
            case 2 -> chunk.getShort(at);
            case 4 -> chunk.getInt(at);
            default -> chunk.getLong(at);
        };
    }

    private void writeValue(long address, int size, long value) {
        Range r = range(address, size);
        wrote(r, address, size);
        ByteBuffer chunk = chunkFor(r, address, size);
        if (chunk == null) {
            for (int i = 0; i < size; i++) {
                writeByte(address + i, (byte) (value >>> (8 * i)));
            }
            return;
        }
        int at = within(r, address);
        switch (size) {
            case 1 -> chunk.put(at, (byte) value);
            case 2 -> chunk.putShort(at, (short) value);
            case 4 -> chunk.putInt(at, (int) value);
            default -> chunk.putLong(at, value);
        }
    }

    @Override
    public byte readByte(long address) {
        Range r = range(address, 1);
        return chunkFor(r, address, 1).get(within(r, address));
    }

    @Override
    public short readShort(long address) {
        return (short) readValue(address, 2);
    }

    @Override
    public int readInt(long address) {
        return (int) readValue(address, 4);
    }

    @Override
    public long readLong(long address) {
        return readValue(address, 8);
    }

    @Override
    public void writeByte(long address, byte value) {
        Range r = range(address, 1);
        wrote(r, address, 1);
        chunkFor(r, address, 1).put(within(r, address), value);
    }

    @Override
    public void writeShort(long address, short value) {
        writeValue(address, 2, value);
    }

    @Override
    public void writeInt(long address, int value) {
        writeValue(address, 4, value);
    }

    @Override
    public void writeLong(long address, long value) {
        writeValue(address, 8, value);
    }

    @Override
    public void read(long address, byte[] destination, int offset, int length) {
        copy(address, destination, offset, length, (chunk, at, from, n) -> chunk.get(at, destination, from, n));
    }

    @Override
    public void write(long address, byte[] source, int offset, int length) {
        wrote(range(address, length), address, length);
        copy(address, source, offset, length, (chunk, at, from, n) -> chunk.put(at, source, from, n));
    }

    /** One piece of a bulk copy: {@code n} bytes at {@code at} in {@code chunk}, and at {@code from} in the array. */
    private interface ChunkCopy {
        void copy(ByteBuffer chunk, int at, int from, int n);
    }

    /** Checks the whole range first, then copies it chunk by chunk (a range may span 1 GiB host views). */
    private void copy(long address, byte[] array, int offset, int length, ChunkCopy piece) {
        Range r = range(address, length);
        java.util.Objects.checkFromIndexSize(offset, length, array.length);
        int done = 0;
        while (done < length) {
            long at = address + done;
            int within = within(r, at);
            int n = (int) Math.min(length - done, CHUNK - within);
            piece.copy(r.chunks[(int) ((at - r.start) >>> CHUNK_SHIFT)], within, offset + done, n);
            done += n;
        }
    }

    @Override
    public void fill(long address, long length, byte value) {
        range(address, length);
        byte[] block = new byte[(int) Math.min(length, 1 << 16)];
        java.util.Arrays.fill(block, value);
        long done = 0;
        while (done < length) {
            int n = (int) Math.min(block.length, length - done);
            write(address + done, block, 0, n);
            done += n;
        }
    }

    @Override
    public void discard(long address, long length) {
        Range r = range(address, length);
        wrote(r, address, length);
        long first = (address + PAGE - 1) & -PAGE;
        long last = (address + length) & -PAGE;
        if (first >= last) {
            fill(address, length, (byte) 0);
            return;
        }
        if (first > address) {
            fill(address, first - address, (byte) 0);
        }
        r.region().discard(r.regionOffset() + (first - r.start()), last - first);
        if (address + length > last) {
            fill(last, address + length - last, (byte) 0);
        }
    }

    @Override
    public ByteBuffer view(long address, int length) {
        Range r = range(address, length);
        wrote(r, address, length);
        ByteBuffer chunk = chunkFor(r, address, length);
        if (chunk == null) {
            throw new GuestMemoryException(String.format("range at 0x%x of %d bytes crosses a host mapping",
                    address, length));
        }
        int at = within(r, address);
        return chunk.slice(at, length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    }
}

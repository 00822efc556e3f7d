package io.modvm.virtio.queue;

import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.GuestMemoryException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Guest RAM on the Java heap, as one or more ranges with holes between them, checked like the core's RAM: any
 * access not entirely inside one range throws {@link GuestMemoryException}. A range may also sit in native memory,
 * as the core's memfd mapping does, and a view may be refused at a chosen address, as the core refuses one that
 * crosses two host mappings.
 */
public final class HeapGuestMemory implements GuestMemory {
    private record Range(long start, ByteBuffer bytes) {
        boolean holds(long address, long length) {
            return address >= start && length >= 0 && address - start <= bytes.capacity() - length;
        }
    }

    private final List<Range> ranges = new ArrayList<>();
    private final List<Long> mappingEdges = new ArrayList<>();

    /** Adds a RAM range of {@code size} bytes at guest-physical {@code start}. */
    public HeapGuestMemory add(long start, int size) {
        ranges.add(new Range(start, ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN)));
        return this;
    }

    /** Adds a RAM range in native memory, whose views are direct buffers as the core's are. */
    public HeapGuestMemory addDirect(long start, int size) {
        ranges.add(new Range(start, ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN)));
        return this;
    }

    /** Refuses views that hold bytes on both sides of {@code address}, as the core's do at a host mapping's end. */
    public HeapGuestMemory mappingEdge(long address) {
        mappingEdges.add(address);
        return this;
    }

    private Range range(long address, long length) {
        for (Range r : ranges) {
            if (r.holds(address, length)) {
                return r;
            }
        }
        throw new GuestMemoryException(String.format("%d bytes at 0x%x outside RAM", length, address));
    }

    private static int at(Range r, long address) {
        return (int) (address - r.start);
    }

    @Override
    public boolean isRam(long address, long length) {
        return ranges.stream().anyMatch(r -> r.holds(address, length));
    }

    @Override
    public byte readByte(long address) {
        Range r = range(address, 1);
        return r.bytes.get(at(r, address));
    }

    @Override
    public short readShort(long address) {
        Range r = range(address, 2);
        return r.bytes.getShort(at(r, address));
    }

    @Override
    public int readInt(long address) {
        Range r = range(address, 4);
        return r.bytes.getInt(at(r, address));
    }

    @Override
    public long readLong(long address) {
        Range r = range(address, 8);
        return r.bytes.getLong(at(r, address));
    }

    @Override
    public void writeByte(long address, byte value) {
        Range r = range(address, 1);
        r.bytes.put(at(r, address), value);
    }

    @Override
    public void writeShort(long address, short value) {
        Range r = range(address, 2);
        r.bytes.putShort(at(r, address), value);
    }

    @Override
    public void writeInt(long address, int value) {
        Range r = range(address, 4);
        r.bytes.putInt(at(r, address), value);
    }

    @Override
    public void writeLong(long address, long value) {
        Range r = range(address, 8);
        r.bytes.putLong(at(r, address), value);
    }

    @Override
    public void read(long address, byte[] destination, int offset, int length) {
        Range r = range(address, length);
        r.bytes.get(at(r, address), destination, offset, length);
    }

    @Override
    public void write(long address, byte[] source, int offset, int length) {
        Range r = range(address, length);
        r.bytes.put(at(r, address), source, offset, length);
    }

    @Override
    public void fill(long address, long length, byte value) {
        Range r = range(address, length);
        for (int i = 0; i < length; i++) {
            r.bytes.put(at(r, address) + i, value);
        }
    }

    @Override
    public void discard(long address, long length) {
        fill(address, length, (byte) 0);
    }

    @Override
    public ByteBuffer view(long address, int length) {
        Range r = range(address, length);
        for (long edge : mappingEdges) {
            if (address < edge && edge < address + length) {
                throw new GuestMemoryException(String.format("0x%x, %d bytes crosses a host mapping", address,
                        length));
            }
        }
        return r.bytes.slice(at(r, address), length).order(ByteOrder.LITTLE_ENDIAN);
    }
}

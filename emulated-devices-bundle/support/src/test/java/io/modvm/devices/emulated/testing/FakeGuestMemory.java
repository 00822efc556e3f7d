package io.modvm.devices.emulated.testing;

import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.GuestMemoryException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Guest RAM of one range from address 0, in native memory as the core's is, checked like the core's: an access not
 * entirely inside it throws {@link GuestMemoryException}. Views can be refused from a chosen address on, as the core
 * refuses one that crosses two host mappings, so that a device's copying path can be tested too.
 */
public final class FakeGuestMemory implements GuestMemory {
    private final ByteBuffer bytes;
    private volatile long viewsRefusedFrom = Long.MAX_VALUE;

    public FakeGuestMemory(int size) {
        bytes = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** From now on no view holds a byte at or above {@code address}. */
    public void refuseViewsFrom(long address) {
        viewsRefusedFrom = address;
    }

    private int at(long address, long length) {
        if (!isRam(address, length)) {
            throw new GuestMemoryException(String.format("%d bytes at 0x%x outside RAM", length, address));
        }
        return (int) address;
    }

    @Override
    public boolean isRam(long address, long length) {
        return address >= 0 && length >= 0 && address <= bytes.capacity() - length;
    }

    @Override
    public byte readByte(long address) {
        return bytes.get(at(address, 1));
    }

    @Override
    public short readShort(long address) {
        return bytes.getShort(at(address, 2));
    }

    @Override
    public int readInt(long address) {
        return bytes.getInt(at(address, 4));
    }

    @Override
    public long readLong(long address) {
        return bytes.getLong(at(address, 8));
    }

    @Override
    public void writeByte(long address, byte value) {
        bytes.put(at(address, 1), value);
    }

    @Override
    public void writeShort(long address, short value) {
        bytes.putShort(at(address, 2), value);
    }

    @Override
    public void writeInt(long address, int value) {
        bytes.putInt(at(address, 4), value);
    }

    @Override
    public void writeLong(long address, long value) {
        bytes.putLong(at(address, 8), value);
    }

    @Override
    public void read(long address, byte[] destination, int offset, int length) {
        bytes.get(at(address, length), destination, offset, length);
    }

    @Override
    public void write(long address, byte[] source, int offset, int length) {
        bytes.put(at(address, length), source, offset, length);
    }

    @Override
    public void discard(long address, long length) {
        fill(address, length, (byte) 0);
    }

    @Override
    public void fill(long address, long length, byte value) {
        int from = at(address, length);
        for (int i = 0; i < length; i++) {
            bytes.put(from + i, value);
        }
    }

    @Override
    public ByteBuffer view(long address, int length) {
        int from = at(address, length);
        if (address + length > viewsRefusedFrom) {
            throw new GuestMemoryException(String.format("a view of %d bytes at 0x%x crosses a mapping", length,
                    address));
        }
        return bytes.slice(from, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** {@code length} bytes at {@code address}. */
    public byte[] bytes(long address, int length) {
        byte[] out = new byte[length];
        read(address, out, 0, length);
        return out;
    }
}

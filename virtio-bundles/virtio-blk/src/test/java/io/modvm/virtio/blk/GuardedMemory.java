package io.modvm.virtio.blk;

import io.modvm.api.memory.GuestMemory;
import java.nio.ByteBuffer;

/**
 * Guest memory that turns any access outside RAM into an {@link AssertionError}: real memory would throw an
 * exception the device might catch and hide, while an Error escapes every handler and fails the test.
 */
final class GuardedMemory implements GuestMemory {
    private final GuestMemory ram;
    private long accesses;

    GuardedMemory(GuestMemory ram) {
        this.ram = ram;
    }

    long accesses() {
        return accesses;
    }

    private void touch(long address, long length) {
        if (length < 0 || !ram.isRam(address, length)) {
            throw new AssertionError(String.format("access of %d bytes at 0x%x outside guest RAM", length, address));
        }
        accesses++;
    }

    @Override
    public boolean isRam(long address, long length) {
        return ram.isRam(address, length);
    }

    @Override
    public byte readByte(long address) {
        touch(address, 1);
        return ram.readByte(address);
    }

    @Override
    public short readShort(long address) {
        touch(address, 2);
        return ram.readShort(address);
    }

    @Override
    public int readInt(long address) {
        touch(address, 4);
        return ram.readInt(address);
    }

    @Override
    public long readLong(long address) {
        touch(address, 8);
        return ram.readLong(address);
    }

    @Override
    public void writeByte(long address, byte value) {
        touch(address, 1);
        ram.writeByte(address, value);
    }

    @Override
    public void writeShort(long address, short value) {
        touch(address, 2);
        ram.writeShort(address, value);
    }

    @Override
    public void writeInt(long address, int value) {
        touch(address, 4);
        ram.writeInt(address, value);
    }

    @Override
    public void writeLong(long address, long value) {
        touch(address, 8);
        ram.writeLong(address, value);
    }

    @Override
    public void read(long address, byte[] destination, int offset, int length) {
        touch(address, length);
        ram.read(address, destination, offset, length);
    }

    @Override
    public void write(long address, byte[] source, int offset, int length) {
        touch(address, length);
        ram.write(address, source, offset, length);
    }

    @Override
    public void discard(long address, long length) {
        touch(address, length);
        ram.discard(address, length);
    }

    @Override
    public void fill(long address, long length, byte value) {
        touch(address, length);
        ram.fill(address, length, value);
    }

    @Override
    public ByteBuffer view(long address, int length) {
        touch(address, length);
        return ram.view(address, length);
    }
}

package io.modvm.virtio.rng;

import io.modvm.api.memory.GuestMemory;
import java.nio.ByteBuffer;

/**
 * Guest memory that fails the test with an {@link AssertionError} on any access outside RAM. The real memory would
 * throw a GuestMemoryException, which the queue code converts into a guest error; an Error gets past every handler,
 * so a test sees an access that was never checked.
 */
final class RamGuard implements GuestMemory {
    private final GuestMemory ram;
    private long accesses;

    RamGuard(GuestMemory ram) {
        this.ram = ram;
    }

    /** Accesses so far, so a test can see that a stopped device leaves memory alone. */
    synchronized long accesses() {
        return accesses;
    }

    private synchronized void check(long address, long length) {
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
        check(address, 1);
        return ram.readByte(address);
    }

    @Override
    public short readShort(long address) {
        check(address, 2);
        return ram.readShort(address);
    }

    @Override
    public int readInt(long address) {
        check(address, 4);
        return ram.readInt(address);
    }

    @Override
    public long readLong(long address) {
        check(address, 8);
        return ram.readLong(address);
    }

    @Override
    public void writeByte(long address, byte value) {
        check(address, 1);
        ram.writeByte(address, value);
    }

    @Override
    public void writeShort(long address, short value) {
        check(address, 2);
        ram.writeShort(address, value);
    }

    @Override
    public void writeInt(long address, int value) {
        check(address, 4);
        ram.writeInt(address, value);
    }

    @Override
    public void writeLong(long address, long value) {
        check(address, 8);
        ram.writeLong(address, value);
    }

    @Override
    public void read(long address, byte[] destination, int offset, int length) {
        check(address, length);
        ram.read(address, destination, offset, length);
    }

    @Override
    public void write(long address, byte[] source, int offset, int length) {
        check(address, length);
        ram.write(address, source, offset, length);
    }

    @Override
    public void discard(long address, long length) {
        check(address, length);
        ram.discard(address, length);
    }

    @Override
    public void fill(long address, long length, byte value) {
        check(address, length);
        ram.fill(address, length, value);
    }

    @Override
    public ByteBuffer view(long address, int length) {
        check(address, length);
        return ram.view(address, length);
    }
}

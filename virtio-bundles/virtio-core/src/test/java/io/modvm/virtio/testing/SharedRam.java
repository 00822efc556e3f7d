package io.modvm.virtio.testing;

import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.RamMapping;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Test RAM that says where it lives on the host, as the machine's memfd RAM does, so that a vhost hand-over can be
 * gathered from it: every access goes to the RAM it wraps, and {@link #mappings()} is the table given.
 */
public final class SharedRam implements GuestMemory {
    private final GuestMemory to;
    private final List<RamMapping> mappings;

    public SharedRam(GuestMemory to, List<RamMapping> mappings) {
        this.to = to;
        this.mappings = List.copyOf(mappings);
    }

    @Override
    public List<RamMapping> mappings() {
        return mappings;
    }

    @Override
    public boolean isRam(long address, long length) {
        return to.isRam(address, length);
    }

    @Override
    public byte readByte(long address) {
        return to.readByte(address);
    }

    @Override
    public short readShort(long address) {
        return to.readShort(address);
    }

    @Override
    public int readInt(long address) {
        return to.readInt(address);
    }

    @Override
    public long readLong(long address) {
        return to.readLong(address);
    }

    @Override
    public void writeByte(long address, byte value) {
        to.writeByte(address, value);
    }

    @Override
    public void writeShort(long address, short value) {
        to.writeShort(address, value);
    }

    @Override
    public void writeInt(long address, int value) {
        to.writeInt(address, value);
    }

    @Override
    public void writeLong(long address, long value) {
        to.writeLong(address, value);
    }

    @Override
    public void read(long address, byte[] destination, int offset, int length) {
        to.read(address, destination, offset, length);
    }

    @Override
    public void write(long address, byte[] source, int offset, int length) {
        to.write(address, source, offset, length);
    }

    @Override
    public void discard(long address, long length) {
        to.discard(address, length);
    }

    @Override
    public void fill(long address, long length, byte value) {
        to.fill(address, length, value);
    }

    @Override
    public ByteBuffer view(long address, int length) {
        return to.view(address, length);
    }
}

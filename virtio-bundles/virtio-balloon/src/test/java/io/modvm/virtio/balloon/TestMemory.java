package io.modvm.virtio.balloon;

import io.modvm.api.memory.GuestMemory;
import io.modvm.virtio.queue.HeapGuestMemory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Guest RAM for the balloon's tests: two heap ranges with a hole between them, every access checked to lie in RAM
 * (an {@link AssertionError} otherwise, which no device code can swallow as it could a GuestMemoryException), and
 * every {@link #discard} call recorded.
 */
final class TestMemory implements GuestMemory {
    static final long RAM_A = 0;
    static final int RAM_A_SIZE = 8 << 20;
    /** A second range past a hole, so that runs and ranges can meet RAM's edges. */
    static final long RAM_B = 16 << 20;
    static final int RAM_B_SIZE = 1 << 20;
    /** Where the tests' rings go: queue i at RINGS + i * RING_STRIDE. */
    static final long RINGS = 0x1_0000;
    static final long RING_STRIDE = 0x4000;
    /** Indirect tables: queue i at INDIRECT + i * INDIRECT_STRIDE. */
    static final long INDIRECT = 0x10_0000;
    static final long INDIRECT_STRIDE = 0x4_0000;
    /** Request buffers (PFN arrays, stats) from here. */
    static final long BUFFERS = 0x20_0000;
    /** Pages the guest gives away, from here to the end of range A. */
    static final long PAGES = 0x40_0000;

    /** One recorded discard. */
    record Discard(long address, long length) {
    }

    private final GuestMemory ram = new HeapGuestMemory().add(RAM_A, RAM_A_SIZE).add(RAM_B, RAM_B_SIZE);
    private final List<Discard> discards = new ArrayList<>();
    private volatile boolean failDiscards;

    synchronized List<Discard> discards() {
        return new ArrayList<>(discards);
    }

    synchronized void clearDiscards() {
        discards.clear();
    }

    private void check(long address, long length) {
        if (length < 0 || !ram.isRam(address, length)) {
            throw new AssertionError(String.format("access of %d bytes at 0x%x outside guest RAM", length, address));
        }
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

    /** Makes every later discard fail as a refused fallocate does. */
    void failDiscards() {
        failDiscards = true;
    }

    @Override
    public void discard(long address, long length) {
        check(address, length);
        if (failDiscards) {
            throw new IllegalStateException("cannot discard guest pages (errno 95)");
        }
        synchronized (this) {
            discards.add(new Discard(address, length));
        }
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

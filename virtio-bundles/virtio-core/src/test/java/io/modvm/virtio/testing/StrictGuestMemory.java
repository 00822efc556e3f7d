package io.modvm.virtio.testing;

import io.modvm.api.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Guest memory for device and queue tests: it fails the test with an {@link AssertionError} on any access outside
 * RAM, counts every access and records every discard. Real guest memory would throw a GuestMemoryException, which
 * the code under test may catch and turn into a guest error; an Error gets past every handler, so the test sees an
 * access that was never checked. {@link #isRam} is a query and may be asked about anything. Device threads and the
 * test's thread may use it at once.
 */
public final class StrictGuestMemory implements GuestMemory {
    /** One discard as the device asked for it. */
    public record Discard(long address, long length) {
    }

    /** A range a device reported it wrote through a view ({@link GuestMemory#written}). */
    public record Written(long address, long length) {
    }

    private final GuestMemory ram;
    private final List<Written> reported = new ArrayList<>();
    private final AtomicLong accesses = new AtomicLong();
    private final List<Discard> discards = new ArrayList<>();
    private volatile boolean failDiscards;
    /** Runs once, just before the next writeShort at {@link #hookAddress}; null when none is set. */
    private volatile Runnable hook;
    private volatile long hookAddress;

    /** Guards {@code ram}, which holds the RAM ranges and their contents. */
    public StrictGuestMemory(GuestMemory ram) {
        this.ram = ram;
    }

    /**
     * Accesses so far, each read, write, fill, discard or view counting once, so a test can see one that stopped.
     * A queue reads its rings through views it takes once, when it is created, so those reads are not counted (its
     * ring writes are): a test that a stopped device leaves its rings alone also compares {@link #contents}.
     */
    public long accesses() {
        return accesses.get();
    }

    /**
     * A copy of {@code length} bytes of RAM at {@code address}, taken without counting as an access: comparing two
     * shows whether anything wrote to RAM in between, also through a view.
     */
    public byte[] contents(long address, int length) {
        byte[] copy = new byte[length];
        ram.read(address, copy, 0, length);
        return copy;
    }

    /** Every discard that reached RAM, in order. */
    public synchronized List<Discard> discards() {
        return new ArrayList<>(discards);
    }

    public synchronized void clearDiscards() {
        discards.clear();
    }

    /** Makes every later discard fail as a refused fallocate does. */
    public void failDiscards() {
        failDiscards = true;
    }

    /**
     * Runs {@code action} once, just before the next {@link #writeShort} at {@code address}: how a test plays a driver
     * that acts at the worst moment on another CPU, e.g. adds a buffer just before the device asks for kicks again
     * (a write of a ring's flags or event index), so it still sees them off. A queue writes its rings through a view
     * where it has one, which no hook sees: the test lays the ring across a host mapping to have it written here.
     */
    public void beforeNextWriteShort(long address, Runnable action) {
        hookAddress = address;
        hook = action;
    }

    private void check(long address, long length) {
        if (length < 0 || !ram.isRam(address, length)) {
            throw new AssertionError(String.format("access of %d bytes at 0x%x outside guest RAM", length, address));
        }
        accesses.incrementAndGet();
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
        Runnable action = hook;
        if (action != null && address == hookAddress) {
            hook = null;
            action.run();
        }
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
    public void fill(long address, long length, byte value) {
        check(address, length);
        ram.fill(address, length, value);
    }

    /** Records what a device reports it wrote through a view; like real memory, this is no access and never fails. */
    @Override
    public synchronized void written(long address, long length) {
        reported.add(new Written(address, length));
        ram.written(address, length);
    }

    /** Every range reported written since the last {@link #clearReported()}, in order. */
    public synchronized List<Written> reported() {
        return new ArrayList<>(reported);
    }

    public synchronized void clearReported() {
        reported.clear();
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
    public ByteBuffer view(long address, int length) {
        check(address, length);
        return ram.view(address, length);
    }
}

package io.modvm.e2e;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.GuestMemoryException;
import io.modvm.net.vhost.rings.LogBitmap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Guest RAM as a vhost-user back-end sees it: the regions of a SET_MEM_TABLE, each mapped from the descriptor that
 * came with the message, addressed by guest-physical address (and found by the front-end's user address, in which
 * the rings' addresses come). While the front-end has VHOST_F_LOG_ALL on, every write and every view taken (which
 * the datapath writes through) marks its pages in the front-end's dirty log.
 */
final class MappedGuestMemory implements GuestMemory, AutoCloseable {
    static {
        Native.register("c");
    }

    private static native Pointer mmap(Pointer address, long length, int protection, int flags, int fd, long offset);

    private static native int munmap(Pointer address, long length);

    private record Region(long guest, long size, long user, Pointer base, long mapped) {
    }

    private final List<Region> regions = new ArrayList<>();
    /** The dirty log the writes go to while logging is on, or null. */
    private volatile LogBitmap log;
    /** How many writes went to the log. */
    private final AtomicLong marks = new AtomicLong();

    /** Logs every later write into {@code log}; null stops logging. */
    void logTo(LogBitmap log) {
        this.log = log;
    }

    /** How many writes (and views) were logged. */
    long marks() {
        return marks.get();
    }

    /** Maps {@code size} bytes at {@code offset} of a log's descriptor (SET_LOG_BASE), shared with the front-end. */
    static LogBitmap mapLog(int fd, long size, long offset) {
        Pointer p = mmap(null, size + offset, 3, 1, fd, 0);
        if (Pointer.nativeValue(p) == -1L) {
            throw new IllegalStateException("mmap of the dirty log failed");
        }
        return new LogBitmap(p.getByteBuffer(offset, size / 8 * 8));
    }

    /** Marks what a write through an earlier view touched, while logging is on. */
    @Override
    public void written(long address, long length) {
        LogBitmap l = log;
        if (l != null) {
            l.mark(address, length);
            marks.incrementAndGet();
        }
    }

    /** Where a write (or a view that may be written through) goes, logged first. */
    private Pointer forWrite(long address, long length) {
        written(address, length);
        return at(address, length);
    }

    /** Maps one region: {@code size} bytes at {@code mmapOffset} of {@code fd}, at guest address {@code guest}. */
    void add(long guest, long size, long user, long mmapOffset, int fd) {
        Pointer p = mmap(null, size + mmapOffset, 3, 1, fd, 0);
        if (Pointer.nativeValue(p) == -1L) {
            throw new IllegalStateException("mmap of region 0x" + Long.toHexString(guest) + " failed");
        }
        regions.add(new Region(guest, size, user, p.share(mmapOffset), size + mmapOffset));
    }

    /** The guest-physical address of the front-end's user address {@code user}. */
    long guestOf(long user) {
        for (Region r : regions) {
            if (user >= r.user && user - r.user < r.size) {
                return r.guest + (user - r.user);
            }
        }
        throw new GuestMemoryException("user address 0x" + Long.toHexString(user) + " is in no region");
    }

    private Pointer at(long address, long length) {
        for (Region r : regions) {
            if (address >= r.guest && length >= 0 && address - r.guest <= r.size - length) {
                return r.base.share(address - r.guest);
            }
        }
        throw new GuestMemoryException(String.format("0x%x+%d is outside the mapped regions", address, length));
    }

    @Override
    public boolean isRam(long address, long length) {
        try {
            at(address, length);
            return true;
        } catch (GuestMemoryException e) {
            return false;
        }
    }

    @Override
    public byte readByte(long address) {
        return at(address, 1).getByte(0);
    }

    @Override
    public short readShort(long address) {
        return at(address, 2).getShort(0);
    }

    @Override
    public int readInt(long address) {
        return at(address, 4).getInt(0);
    }

    @Override
    public long readLong(long address) {
        return at(address, 8).getLong(0);
    }

    @Override
    public void writeByte(long address, byte value) {
        forWrite(address, 1).setByte(0, value);
    }

    @Override
    public void writeShort(long address, short value) {
        forWrite(address, 2).setShort(0, value);
    }

    @Override
    public void writeInt(long address, int value) {
        forWrite(address, 4).setInt(0, value);
    }

    @Override
    public void writeLong(long address, long value) {
        forWrite(address, 8).setLong(0, value);
    }

    @Override
    public void read(long address, byte[] destination, int offset, int length) {
        at(address, length).read(0, destination, offset, length);
    }

    @Override
    public void write(long address, byte[] source, int offset, int length) {
        forWrite(address, length).write(0, source, offset, length);
    }

    @Override
    public void discard(long address, long length) {
        fill(address, length, (byte) 0);
    }

    @Override
    public void fill(long address, long length, byte value) {
        forWrite(address, length).setMemory(0, length, value);
    }

    @Override
    public ByteBuffer view(long address, int length) {
        return forWrite(address, length).getByteBuffer(0, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void close() {
        for (Region r : regions) {
            munmap(r.base.share(-(r.mapped - r.size)), r.mapped);
        }
        regions.clear();
    }
}

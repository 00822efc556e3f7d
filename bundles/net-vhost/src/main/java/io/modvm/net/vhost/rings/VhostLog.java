package io.modvm.net.vhost.rings;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import io.modvm.api.net.VringWriteLog;
import java.io.IOException;

/**
 * The dirty log a vhost datapath writes while a migration runs, in a memfd mapped here: vhost-net sets its bits
 * through this process's mapping (VHOST_SET_LOG_BASE takes its address), a vhost-user back-end maps the same memfd
 * (VHOST_USER_SET_LOG_BASE passes the descriptor). It outlives the rings' stop, so that the last fetch, after they
 * stopped, sees everything.
 */
public final class VhostLog implements AutoCloseable {
    private final int fd;
    private final Pointer base;
    private final long size;
    private final LogBitmap bitmap;
    private boolean closed;

    /** The bitmap is the first {@code bits} bytes of the mapping: what covers the guest's addresses. */
    private VhostLog(int fd, Pointer base, long size, long bits) {
        this.fd = fd;
        this.base = base;
        this.size = size;
        this.bitmap = new LogBitmap(base.getByteBuffer(0, bits));
    }

    /**
     * A log for guest-physical addresses below {@code guestEnd}, zeroed; the memfd is a whole number of host pages.
     *
     * @throws IOException if the host gave no memory for it
     */
    public static VhostLog create(String owner, long guestEnd) throws IOException {
        long bits = LogBitmap.bytesFor(guestEnd);
        long size = (bits + 4095) / 4096 * 4096;
        int fd = -1;
        try {
            fd = Libc.memfd_create("modvm-vhost-log", Libc.MFD_CLOEXEC);
            Libc.ftruncate(fd, size);
            Pointer base = Libc.mmap(null, size, Libc.PROT_READ_WRITE, Libc.MAP_SHARED, fd, 0);
            return new VhostLog(fd, base, size, bits);
        } catch (LastErrorException e) {
            Libc.closeQuietly(fd);
            throw new IOException(owner + ": cannot allocate a vhost dirty log of " + size + " bytes: "
                    + Libc.describe(e.getErrorCode()), e);
        }
    }

    /** The memfd, for VHOST_USER_SET_LOG_BASE. */
    public int fd() {
        return fd;
    }

    /** The log's size in bytes (VhostUserLog's mmap_size). */
    public long size() {
        return size;
    }

    /** Where it is mapped in this process, for VHOST_SET_LOG_BASE. */
    public long address() {
        return Pointer.nativeValue(base);
    }

    /** The pages written since the previous fetch; clears them. */
    public synchronized long[] fetch() throws IOException {
        if (closed) {
            throw new IOException("the vhost dirty log is closed");
        }
        return bitmap.fetchAndClear();
    }

    /** Unmaps and closes it; a back-end's own mapping of the memfd stays until it drops it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Libc.munmap(base, size);
        } catch (LastErrorException ignored) {
            // the mapping goes with the process either way
        }
        Libc.closeQuietly(fd);
    }

    /**
     * The log as the migration sees it: fetches here, and on close {@code stop} (which turns the datapath's logging
     * off) before the memory goes.
     */
    public VringWriteLog asWriteLog(Runnable stop) {
        return new VringWriteLog() {
            @Override
            public long[] fetch() throws IOException {
                return VhostLog.this.fetch();
            }

            @Override
            public void close() {
                stop.run();
                VhostLog.this.close();
            }
        };
    }
}

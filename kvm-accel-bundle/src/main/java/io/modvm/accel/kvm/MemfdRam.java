package io.modvm.accel.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.RamRegion;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guest RAM in a memfd mapped shared: another process (vhost, a migration helper) can map the same pages, and
 * punching a hole gives pages back to the host. Its size is sealed: a process the descriptor reaches (a vhost-user
 * back-end, the next modvm of a local live update) cannot shrink the file under a mapping, which would make every
 * access past the new end a SIGBUS that kills the JVM.
 */
final class MemfdRam implements RamRegion {
    private static final Logger LOG = LoggerFactory.getLogger(MemfdRam.class);
    private final int fd;
    private final Pointer base;
    private final long size;
    private volatile boolean closed;

    private MemfdRam(int fd, Pointer base, long size) {
        this.fd = fd;
        this.base = base;
        this.size = size;
    }

    static MemfdRam allocate(String name, long size) throws AcceleratorException {
        int fd;
        try {
            fd = LibC.memfd_create("modvm-" + name, LibC.MFD_CLOEXEC | LibC.MFD_ALLOW_SEALING);
        } catch (LastErrorException e) {
            throw new AcceleratorException("cannot create guest RAM: memfd_create failed (errno " + e.getErrorCode()
                    + ")", e);
        }
        try {
            LibC.ftruncate(fd, size);
            LibC.fcntl(fd, LibC.F_ADD_SEALS, LibC.F_SEAL_SHRINK | LibC.F_SEAL_GROW | LibC.F_SEAL_SEAL);
            Pointer p = LibC.mmap(null, size, LibC.PROT_READ | LibC.PROT_WRITE,
                    LibC.MAP_SHARED | LibC.MAP_NORESERVE, fd, 0);
            return new MemfdRam(fd, p, size);
        } catch (LastErrorException e) {
            LibC.close(fd);
            throw new AcceleratorException("cannot map " + (size >> 20) + " MiB of guest RAM (errno "
                    + e.getErrorCode() + "); use a smaller -m", e);
        }
    }

    @Override
    public int fd() {
        return fd;
    }

    @Override
    public long hostAddress() {
        return Pointer.nativeValue(base);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public ByteBuffer view(long offset, int length) {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IndexOutOfBoundsException("view [" + offset + ", +" + length + ") outside RAM of " + size);
        }
        return base.getByteBuffer(offset, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void discard(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IndexOutOfBoundsException("discard outside RAM");
        }
        try {
            LibC.fallocate(fd, LibC.FALLOC_FL_PUNCH_HOLE | LibC.FALLOC_FL_KEEP_SIZE, offset, length);
        } catch (LastErrorException e) {
            throw new IllegalStateException("cannot discard guest pages (errno " + e.getErrorCode() + ")", e);
        }
    }

    /**
     * Asks the memfd (SEEK_DATA): shmem knows which pages it never allocated or had punched out, without a fault.
     */
    @Override
    public long dataFrom(long offset) {
        return seek(offset, LibC.SEEK_DATA);
    }

    @Override
    public long dataUntil(long offset) {
        return seek(offset, LibC.SEEK_HOLE);
    }

    private long seek(long offset, int whence) {
        if (offset < 0 || offset >= size) {
            return size;
        }
        try {
            return Math.min(size, LibC.lseek(fd, offset, whence));
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.ENXIO) {
                return size;
            }
            // A file that cannot tell: the caller reads what it needs.
            return whence == LibC.SEEK_DATA ? offset : size;
        }
    }

    /**
     * Maps {@code other} over the region's own mapping (MAP_FIXED: the address stays, the old pages go) and puts it
     * under the region's descriptor number (dup3), so that everything that holds either one reaches the new pages.
     * KVM follows the host mapping through its MMU notifier, which drops what it had mapped of the old pages.
     */
    @Override
    public synchronized void adopt(int other) throws AcceleratorException {
        try {
            if (closed) {
                throw new AcceleratorException("guest RAM is closed");
            }
            long otherSize;
            try {
                otherSize = LibC.lseek(other, 0, LibC.SEEK_END);
            } catch (LastErrorException e) {
                throw new AcceleratorException("the memory handed over is not a file (errno " + e.getErrorCode()
                        + ")", e);
            }
            if (otherSize != size) {
                throw new AcceleratorException("the memory handed over has " + otherSize + " bytes, guest RAM "
                        + size);
            }
            requireSizeSealed(other);
            try {
                LibC.mmap(base, size, LibC.PROT_READ | LibC.PROT_WRITE,
                        LibC.MAP_SHARED | LibC.MAP_NORESERVE | LibC.MAP_FIXED, other, 0);
            } catch (LastErrorException e) {
                throw new AcceleratorException("cannot map the memory handed over (errno " + e.getErrorCode() + ")",
                        e);
            }
            // From here the old pages are unmapped; the descriptor swap cannot fail for a valid pair of numbers.
            LibC.dup3(other, fd, LibC.O_CLOEXEC);
        } finally {
            try {
                LibC.close(other);
            } catch (LastErrorException e) {
                // the hand-over descriptor is gone either way
            }
        }
    }

    /**
     * The memory handed over must not shrink while mapped here: sealed by its sender, or sealed now. A memfd made
     * without sealing (by a modvm before sealing came) cannot be sealed by anyone; it is taken with a warning, since
     * only a process the guest's owner runs holds it.
     */
    private static void requireSizeSealed(int other) throws AcceleratorException {
        int seals;
        try {
            seals = LibC.fcntl(other, LibC.F_GET_SEALS, 0);
        } catch (LastErrorException e) {
            throw new AcceleratorException("the memory handed over is not a memfd (errno " + e.getErrorCode() + ")",
                    e);
        }
        if ((seals & LibC.F_SEAL_SHRINK) != 0) {
            return;
        }
        if ((seals & LibC.F_SEAL_SEAL) == 0) {
            try {
                LibC.fcntl(other, LibC.F_ADD_SEALS, LibC.F_SEAL_SHRINK | LibC.F_SEAL_GROW | LibC.F_SEAL_SEAL);
                return;
            } catch (LastErrorException e) {
                throw new AcceleratorException("cannot seal the memory handed over against shrinking (errno "
                        + e.getErrorCode() + ")", e);
            }
        }
        LOG.warn("the memory handed over cannot be sealed against shrinking (its sender made it without "
                + "sealing); if a process truncated it, this one would die");
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            LibC.munmap(base, size);
        } finally {
            LibC.close(fd);
        }
    }
}

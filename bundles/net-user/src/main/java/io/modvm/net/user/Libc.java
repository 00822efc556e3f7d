package io.modvm.net.user;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The libc calls the user-mode backend makes itself, bound by JNA direct mapping: eventfds that wake its threads and
 * the poll that waits on them and on libslirp's sockets. Each call throws {@link LastErrorException} carrying errno.
 */
final class Libc {
    static {
        Native.register("c");
    }

    private Libc() {
    }

    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;
    static final short POLLIN = 0x001;
    static final short POLLPRI = 0x002;
    static final short POLLOUT = 0x004;
    static final short POLLERR = 0x008;
    static final short POLLHUP = 0x010;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    /** struct pollfd: int fd, short events, short revents. */
    static final int POLLFD_SIZE = 8;

    static native int eventfd(int initval, int flags) throws LastErrorException;

    static native long read(int fd, Pointer buf, long count) throws LastErrorException;

    static native long write(int fd, Pointer buf, long count) throws LastErrorException;

    static native int poll(Pointer fds, long nfds, int timeout) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
}

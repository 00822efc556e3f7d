package io.modvm.net.tap;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The libc calls a tap needs, bound by JNA direct mapping: every frame is one readv or writev, so the call path
 * matters. Each call throws {@link LastErrorException} carrying errno on failure.
 */
final class TunLib {
    static {
        Native.register("c");
    }

    private TunLib() {
    }

    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final short POLLIN = 1;
    static final short POLLOUT = 4;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EINVAL = 22;

    static final short IFF_TAP = 0x0002;
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_MULTI_QUEUE = 0x0100;
    static final short IFF_VNET_HDR = 0x4000;
    static final short IFF_ATTACH_QUEUE = 0x0200;
    static final short IFF_DETACH_QUEUE = 0x0400;
    /** _IOW('T', 217, int) */
    static final long TUNSETQUEUE = 0x400454d9L;
    /** _IOW('T', 202, int) */
    static final long TUNSETIFF = 0x400454caL;
    /** _IOR('T', 210, unsigned int) */
    static final long TUNGETIFF = 0x800454d2L;
    /** _IOR('T', 207, unsigned int) */
    static final long TUNGETFEATURES = 0x800454cfL;
    /** _IOW('T', 208, unsigned int) */
    static final long TUNSETOFFLOAD = 0x400454d0L;
    /** _IOW('T', 216, int) */
    static final long TUNSETVNETHDRSZ = 0x400454d8L;
    /** struct ifreq: a 16-byte name, then the flags (a union of 24 bytes). */
    static final int IFREQ_SIZE = 40;
    /** Where struct ifreq keeps ifr_flags, after the 16-byte interface name. */
    static final int IFREQ_FLAGS = 16;
    static final int IFNAMSIZ = 16;

    static native int open(String path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int ioctl(int fd, long request, Pointer arg) throws LastErrorException;

    static native int ioctl(int fd, long request, long arg) throws LastErrorException;

    static native int fcntl(int fd, int cmd, long arg) throws LastErrorException;

    /** {@code iov}: the address of {@code count} struct iovec (a number, which JNA passes without conversion). */
    static native long readv(int fd, long iov, int count) throws LastErrorException;

    static native long writev(int fd, long iov, int count) throws LastErrorException;

    static native long write(int fd, byte[] buffer, long count) throws LastErrorException;

    static native int poll(Pointer fds, long nfds, int timeout) throws LastErrorException;
}

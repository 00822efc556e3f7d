package io.modvm.net.vhost.rings;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The libc calls vhost needs, bound by JNA direct mapping; each throws {@link LastErrorException} with errno. */
public final class Libc {
    static {
        Native.register("c");
    }

    private Libc() {
    }

    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int AF_UNIX = 1;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SCM_RIGHTS = 1;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final short POLLIN = 0x1;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLRDHUP = 0x2000;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = 0x800;

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EINVAL = 22;
    public static final int EPIPE = 32;
    public static final int ECONNREFUSED = 111;
    public static final int ECONNRESET = 104;
    public static final int EOPNOTSUPP = 95;
    public static final int ENOTTY = 25;

    public static native int open(String path, int flags) throws LastErrorException;

    public static native int close(int fd) throws LastErrorException;

    public static native int ioctl(int fd, long request, Pointer arg) throws LastErrorException;

    public static native int ioctl(int fd, long request, long arg) throws LastErrorException;

    public static native int socket(int domain, int type, int protocol) throws LastErrorException;

    public static native int connect(int fd, Pointer address, int length) throws LastErrorException;

    public static native long sendmsg(int fd, Pointer message, int flags) throws LastErrorException;

    public static native long recv(int fd, Pointer buffer, long length, int flags) throws LastErrorException;

    public static native int poll(Pointer fds, long nfds, int timeout) throws LastErrorException;

    public static native int eventfd(int initial, int flags) throws LastErrorException;

    public static native long read(int fd, Pointer buffer, long length) throws LastErrorException;

    public static final int MFD_CLOEXEC = 1;
    public static final int PROT_READ_WRITE = 3;
    public static final int MAP_SHARED = 1;

    public static native int memfd_create(String name, int flags) throws LastErrorException;

    public static native int ftruncate(int fd, long length) throws LastErrorException;

    public static native Pointer mmap(Pointer address, long length, int protection, int flags, int fd, long offset)
            throws LastErrorException;

    public static native int munmap(Pointer address, long length) throws LastErrorException;

    /** errno as the messages name it: strerror's words for the common ones. */
    public static String describe(int errno) {
        return switch (errno) {
            case EPERM -> "Operation not permitted";
            case ENOENT -> "No such file or directory";
            case EACCES -> "Permission denied";
            case EBUSY -> "Device or resource busy";
            case EINVAL -> "Invalid argument";
            case EAGAIN -> "Resource temporarily unavailable";
            case EPIPE -> "Broken pipe";
            case ECONNREFUSED -> "Connection refused";
            case ECONNRESET -> "Connection reset by peer";
            case EOPNOTSUPP -> "Operation not supported";
            case ENOTTY -> "Inappropriate ioctl for device";
            default -> "errno " + errno;
        };
    }

    /** Closes {@code fd} after a failure, whose message is what the user hears of. */
    public static void closeQuietly(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            close(fd);
        } catch (LastErrorException ignored) {
            // the descriptor is gone either way
        }
    }
}

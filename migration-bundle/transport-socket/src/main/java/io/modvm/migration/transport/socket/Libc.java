package io.modvm.migration.transport.socket;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The libc calls of the unix transport, bound by JNA direct mapping: Java's unix channels cannot pass file
 * descriptors (SCM_RIGHTS), which a local migration hands guest RAM over with. Each throws
 * {@link LastErrorException} with errno.
 */
final class Libc {
    static {
        Native.register("c");
    }

    private Libc() {
    }

    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SCM_RIGHTS = 1;
    static final int MSG_CTRUNC = 0x8;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int MSG_CMSG_CLOEXEC = 0x40000000;
    static final int SHUT_RDWR = 2;

    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EACCES = 13;
    static final int EADDRINUSE = 98;
    static final int ECONNREFUSED = 111;
    static final int ECONNRESET = 104;
    static final int EPIPE = 32;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int connect(int fd, Pointer address, int length) throws LastErrorException;

    static native int bind(int fd, Pointer address, int length) throws LastErrorException;

    static native int listen(int fd, int backlog) throws LastErrorException;

    static native int accept4(int fd, Pointer address, Pointer length, int flags) throws LastErrorException;

    static native long sendmsg(int fd, Pointer message, int flags) throws LastErrorException;

    static native long recvmsg(int fd, Pointer message, int flags) throws LastErrorException;

    static native int shutdown(int fd, int how) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    /** errno in strerror's words, as QEMU's messages give it. */
    static String describe(int errno) {
        return switch (errno) {
            case ENOENT -> "No such file or directory";
            case EACCES -> "Permission denied";
            case EADDRINUSE -> "Address already in use";
            case ECONNREFUSED -> "Connection refused";
            case ECONNRESET -> "Connection reset by peer";
            case EPIPE -> "Broken pipe";
            default -> "errno " + errno;
        };
    }

    static void closeQuietly(int fd) {
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

package io.modvm.accel.kvm;

import com.sun.jna.LastErrorException;

/** Names for the errno values a user may meet. */
final class Errno {
    private Errno() {
    }

    static String describe(LastErrorException e) {
        int code = e.getErrorCode();
        String name = switch (code) {
            case 1 -> "EPERM, operation not permitted";
            case 2 -> "ENOENT, no such file or directory";
            case 4 -> "EINTR";
            case 11 -> "EAGAIN";
            case 12 -> "ENOMEM, out of memory";
            case 13 -> "EACCES, permission denied";
            case 14 -> "EFAULT, bad address";
            case 16 -> "EBUSY";
            case 17 -> "EEXIST, already exists";
            case 22 -> "EINVAL, invalid argument";
            case 24 -> "EMFILE, too many open files";
            case 28 -> "ENOSPC";
            default -> "errno " + code;
        };
        return name;
    }
}

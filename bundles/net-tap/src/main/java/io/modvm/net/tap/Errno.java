package io.modvm.net.tap;

/** errno values as the messages of a tap's errors name them. */
final class Errno {
    private Errno() {
    }

    static String describe(int errno) {
        return switch (errno) {
            case TunLib.EPERM -> "Operation not permitted";
            case TunLib.ENOENT -> "No such file or directory";
            case TunLib.EACCES -> "Permission denied";
            case TunLib.EBUSY -> "Device or resource busy";
            case TunLib.EINVAL -> "Invalid argument";
            case TunLib.EAGAIN -> "Resource temporarily unavailable";
            default -> "errno " + errno;
        };
    }
}

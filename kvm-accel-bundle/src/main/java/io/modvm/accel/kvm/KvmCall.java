package io.modvm.accel.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.state.StateException;

/** One ioctl of the state code, whose failure becomes a one-line AcceleratorException naming the part. */
final class KvmCall {
    private KvmCall() {
    }

    /**
     * Issues {@code request} on {@code fd}; on failure throws "{@code what} (NAME): errno", for example
     * "cannot save vCPU 0 XSAVE area (KVM_GET_XSAVE): EINVAL, invalid argument".
     */
    static int ioctl(int fd, long request, Pointer arg, String what, String name) throws AcceleratorException {
        try {
            return LibC.ioctl(fd, request, arg);
        } catch (LastErrorException e) {
            throw new AcceleratorException(what + " (" + name + "): " + Errno.describe(e), e);
        }
    }

    /** A record that cannot be read here, as the accelerator's error (the message names the record and field). */
    static AcceleratorException unreadable(String what, StateException e) {
        return new AcceleratorException(what + ": " + e.getMessage(), e);
    }

    /** True if the host's KVM has capability {@code cap} (asked on the VM, which answers for this VM). */
    static boolean has(int vmFd, int cap) {
        return capability(vmFd, cap) > 0;
    }

    static int capability(int vmFd, int cap) {
        try {
            return LibC.ioctl(vmFd, KvmIoctl.CHECK_EXTENSION, cap);
        } catch (LastErrorException e) {
            return 0;
        }
    }
}

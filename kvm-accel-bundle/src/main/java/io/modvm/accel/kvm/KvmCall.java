package io.modvm.accel.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
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

    /** Reads a KVM list from a buffer of {@code capacity} entries whose count sits in its first 32 bits. */
    interface ListRead<T> {
        T read(Memory buffer) throws LastErrorException;
    }

    private static final int E2BIG = 7;

    /**
     * Issues a list ioctl (supported CPUID, MSR index list) with room for {@code from} entries, then twice as many
     * while KVM answers E2BIG, up to {@code to}.
     *
     * @param header bytes before the entries (the count and any padding)
     * @param what the start of the message if KVM fails otherwise
     * @param tooLarge the message if {@code to} entries do not suffice
     */
    static <T> T readList(int from, int to, long header, long entrySize, ListRead<T> read, String what,
            String tooLarge) throws AcceleratorException {
        for (int capacity = from; capacity <= to; capacity *= 2) {
            try (Memory buffer = new Memory(header + capacity * entrySize)) {
                buffer.clear();
                buffer.setInt(0, capacity);
                return read.read(buffer);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != E2BIG) {
                    throw new AcceleratorException(what + ": " + Errno.describe(e), e);
                }
            }
        }
        throw new AcceleratorException(tooLarge);
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

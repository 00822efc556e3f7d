package io.modvm.accel.kvm;

import com.sun.jna.Memory;

/**
 * The real-time signal that pulls a vCPU thread out of KVM_RUN. The signal stays blocked in the vCPU thread
 * except inside KVM_RUN (KVM_SET_SIGNAL_MASK), so it is never delivered to a handler: a pending one only makes
 * KVM_RUN return EINTR, and the thread then consumes it with sigtimedwait. No signal handler is needed, so the
 * JVM's own signal handling is not touched.
 */
final class VcpuSignal {
    private final int number;

    VcpuSignal() {
        this.number = LibC.__libc_current_sigrtmin() + 5;
    }

    int number() {
        return number;
    }

    /** A sigset_t holding only this signal. */
    Memory set() {
        Memory set = new Memory(LibC.SIGSET_BYTES);
        set.clear();
        int bit = number - 1;
        set.setByte(bit / 8, (byte) (1 << (bit % 8)));
        return set;
    }

    /**
     * Blocks the signal in the calling thread and returns the struct kvm_signal_mask to hand to KVM: the
     * thread's mask without this signal.
     */
    Memory blockInCurrentThread() {
        try (Memory set = set()) {
            Memory old = new Memory(LibC.SIGSET_BYTES);
            old.clear();
            LibC.pthread_sigmask(LibC.SIG_BLOCK, set, old);
            Memory kvmMask = new Memory(4 + 8);
            kvmMask.setInt(0, 8);
            long mask = old.getLong(0) & ~(1L << (number - 1));
            kvmMask.setLong(4, mask);
            old.close();
            return kvmMask;
        }
    }

    /** Consumes any pending instance of the signal in the calling thread. */
    void drain(Memory set, Memory zeroTimeout) {
        while (LibC.sigtimedwait(set, null, zeroTimeout) == number) {
            // a second kick may have queued while the first was consumed
        }
    }
}

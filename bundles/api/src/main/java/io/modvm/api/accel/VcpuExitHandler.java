package io.modvm.api.accel;

/**
 * Where a vCPU sends the guest accesses the accelerator cannot complete by itself. Called on the vCPU thread;
 * implementations must not throw for anything the guest does.
 */
public interface VcpuExitHandler {
    /** A port read of {@code size} bytes; the low bytes of the result are returned to the guest. */
    long pioRead(int port, int size);

    /** A port write of the low {@code size} bytes of {@code value}. */
    void pioWrite(int port, int size, long value);

    /** An MMIO read of {@code size} bytes at guest-physical {@code address}; the low bytes go to the guest. */
    long mmioRead(long address, int size);

    /** An MMIO write of the low {@code size} bytes of {@code value} at guest-physical {@code address}. */
    void mmioWrite(long address, int size, long value);

    /** Called after {@link Vcpu#kick()}; returns false to leave the run loop, true to go back into the guest. */
    boolean onKick();
}

package io.modvm.api.accel;

/**
 * Where a vCPU sends the guest accesses the accelerator cannot complete by itself. Called on the vCPU thread;
 * implementations must not throw for anything the guest does.
 */
public interface VcpuExitHandler {
    /** A port read of {@code size} bytes; the low bytes of the result are returned to the guest. */
    long pioRead(int port, int size);

    void pioWrite(int port, int size, long value);

    long mmioRead(long address, int size);

    void mmioWrite(long address, int size, long value);

    /** Called after {@link Vcpu#kick()}; returns false to leave the run loop, true to go back into the guest. */
    boolean onKick();
}

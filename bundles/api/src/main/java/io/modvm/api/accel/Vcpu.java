package io.modvm.api.accel;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One virtual CPU. Every method but {@link #kick()} must be called on the thread that created it.
 */
@ProviderType
public interface Vcpu extends AutoCloseable {
    /** The vCPU's number, from 0, as given to {@link VirtualMachine#createVcpu}. */
    int index();

    /** Loads the registers a guest starts with. */
    void setBootState(BootState state) throws AcceleratorException;

    /**
     * Runs the guest, dispatching its I/O exits to {@code handler}, until the guest stops or the handler asks to
     * leave from {@link VcpuExitHandler#onKick()}.
     */
    VcpuStop run(VcpuExitHandler handler) throws AcceleratorException;

    /**
     * Pulls the vCPU out of guest mode promptly, from any thread: the run loop then calls
     * {@link VcpuExitHandler#onKick()} on the vCPU thread.
     */
    void kick();

    /** The guest's registers now. */
    RegisterDump registers() throws AcceleratorException;

    @Override
    void close();
}

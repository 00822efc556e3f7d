package io.modvm.api.accel;

import io.modvm.api.state.StateRecord;
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

    /**
     * Everything the accelerator keeps of this vCPU (registers, FPU/SSE/AVX state, MSRs, pending events, debug
     * registers, local APIC, run state) as one record, for a snapshot or a migration. Call it on the vCPU's own
     * thread (the one that created it: vCPU calls are bound to it), while the vCPU is not inside {@link #run}: the
     * machine parks every vCPU first and has each save itself.
     *
     * @throws AcceleratorException with one line naming the part that could not be read and the host's error
     * @since 1.4
     */
    default StateRecord saveState() throws AcceleratorException {
        throw new AcceleratorException("this accelerator cannot save vCPU state");
    }

    /**
     * Loads a record made by {@link #saveState()} (here or on another host with the same accelerator), under the
     * same thread rule: on the vCPU's own thread, outside {@link #run}. The vCPU then continues where the saved one
     * stopped when it next runs.
     *
     * @throws AcceleratorException if the record is of another type or a newer version than this accelerator
     *     reads (the message names it), or a part is refused (the message names the part and the host's error)
     * @since 1.4
     */
    default void restoreState(StateRecord state) throws AcceleratorException {
        throw new AcceleratorException("this accelerator cannot restore vCPU state");
    }

    @Override
    void close();
}

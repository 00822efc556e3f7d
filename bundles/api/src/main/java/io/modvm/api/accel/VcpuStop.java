package io.modvm.api.accel;

/**
 * Why a vCPU run loop ended.
 *
 * @param reason the kind of stop
 * @param detail one line for the user (empty when there is nothing to add)
 * @param registers the guest registers at the stop, or null when the stop was requested
 */
public record VcpuStop(Reason reason, String detail, RegisterDump registers) {
    /** The kinds of stop. */
    public enum Reason {
        /** The handler asked to leave after a kick. */
        REQUESTED,
        /** The guest triple-faulted. */
        TRIPLE_FAULT,
        /** The accelerator could not go on with this guest (emulation failure, failed entry). */
        INTERNAL_ERROR,
        /** The guest asked for a reset through the accelerator (for example a PSCI-like system event). */
        GUEST_RESET,
        /** The guest asked to power off through the accelerator. */
        GUEST_POWEROFF
    }
}

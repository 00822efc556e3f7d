package io.modvm.core.machine;

/**
 * Something that ends the current run of the vCPUs: the first one posted wins until the machine restarts.
 *
 * @param kind what happened
 * @param status the process exit status if the machine ends on it
 * @param report lines for the user (an error report), possibly empty
 * @param guest the guest caused it (QMP's {@code guest} flag in SHUTDOWN and RESET)
 * @param reason QMP's ShutdownCause name for it
 */
record MachineEvent(Kind kind, int status, String report, boolean guest, String reason) {
    enum Kind { RESET, EXIT, ERROR }

    /** The guest reset the machine (reset register, keyboard controller, triple fault handled as reset). */
    static MachineEvent reset() {
        return new MachineEvent(Kind.RESET, 0, "", true, "guest-reset");
    }

    /** The user reset the machine (system_reset). */
    static MachineEvent hostReset() {
        return new MachineEvent(Kind.RESET, 0, "", false, "host-qmp-system-reset");
    }

    /** The user or the host ended the machine. */
    static MachineEvent exit(int status) {
        return new MachineEvent(Kind.EXIT, status, "", false, "host-qmp-quit");
    }

    /** The guest powered itself off (ACPI S5); the VMM exits 0. */
    static MachineEvent powerOff() {
        return new MachineEvent(Kind.EXIT, 0, "", true, "guest-shutdown");
    }

    /** The guest may not go on (triple fault, internal error). */
    static MachineEvent error(String report) {
        return new MachineEvent(Kind.ERROR, 1, report, true, "guest-panic");
    }

    String shutdownReason() {
        return reason;
    }
}

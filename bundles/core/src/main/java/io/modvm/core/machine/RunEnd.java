package io.modvm.core.machine;

/**
 * Why a run of the vCPUs ends: a reset (the machine restarts, or ends under {@code -no-reboot}), an exit or an error
 * (the machine ends). {@link RunEndArbiter} decides which of several counts.
 *
 * @param kind what happened
 * @param status the process exit status if the machine ends on it
 * @param report lines for the user (an error report), possibly empty
 * @param guest the guest caused it (QMP's {@code guest} flag in SHUTDOWN and RESET)
 * @param reason QMP's ShutdownCause name for it
 */
record RunEnd(Kind kind, int status, String report, boolean guest, String reason) {
    enum Kind { RESET, EXIT, ERROR }

    /** The guest reset the machine (reset register, keyboard controller, triple fault handled as reset). */
    static RunEnd reset() {
        return new RunEnd(Kind.RESET, 0, "", true, "guest-reset");
    }

    /** The user reset the machine (system_reset). */
    static RunEnd hostReset() {
        return new RunEnd(Kind.RESET, 0, "", false, "host-qmp-system-reset");
    }

    /** The user or the host ended the machine. */
    static RunEnd exit(int status) {
        return new RunEnd(Kind.EXIT, status, "", false, "host-qmp-quit");
    }

    /** The guest powered itself off (ACPI S5); the VMM exits 0. */
    static RunEnd powerOff() {
        return new RunEnd(Kind.EXIT, 0, "", true, "guest-shutdown");
    }

    /** The guest may not go on (triple fault, internal error). */
    static RunEnd error(String report) {
        return new RunEnd(Kind.ERROR, 1, report, true, "guest-panic");
    }

    boolean isReset() {
        return kind == Kind.RESET;
    }
}

package io.modvm.core.machine;

/**
 * Something that ends the current run of the vCPUs: the first one posted wins until the machine restarts.
 *
 * @param kind what happened
 * @param status the process exit status if the machine ends on it
 * @param report lines for the user (an error report), possibly empty
 */
record MachineEvent(Kind kind, int status, String report) {
    enum Kind { RESET, EXIT, ERROR }

    static MachineEvent reset() {
        return new MachineEvent(Kind.RESET, 0, "");
    }

    static MachineEvent exit(int status) {
        return new MachineEvent(Kind.EXIT, status, "");
    }

    static MachineEvent error(String report) {
        return new MachineEvent(Kind.ERROR, 1, report);
    }
}

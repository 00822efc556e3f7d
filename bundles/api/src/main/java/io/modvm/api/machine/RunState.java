package io.modvm.api.machine;

/** Where a machine is in its life, named as QMP's query-status names them. */
public enum RunState {
    /** Assembled, vCPUs not started yet. */
    PRELAUNCH("prelaunch"),
    /** The vCPUs run. */
    RUNNING("running"),
    /** Stopped by the monitor ({@code stop}); {@code cont} resumes it. */
    PAUSED("paused"),
    /** The machine has ended: the guest powered off or reset under {@code -no-reboot}, or it was told to quit. */
    SHUTDOWN("shutdown"),
    /** QEMU's state for a guest the accelerator could not go on with. */
    INTERNAL_ERROR("internal-error");

    private final String qmpName;

    RunState(String qmpName) {
        this.qmpName = qmpName;
    }

    /** The name as QMP's {@code query-status} reports it ({@code running}). */
    public String qmpName() {
        return qmpName;
    }
}

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
    INTERNAL_ERROR("internal-error"),
    /**
     * Waiting for an incoming migration or loading one ({@code -incoming}).
     *
     * @since 1.3
     */
    INMIGRATE("inmigrate"),
    /**
     * The source after a completed migration: paused; {@code cont} runs it again.
     *
     * @since 1.3
     */
    POSTMIGRATE("postmigrate"),
    /**
     * The source's stop-and-copy phase: paused while the last pages and the device state go.
     *
     * @since 1.3
     */
    FINISH_MIGRATE("finish-migrate"),
    /**
     * Paused while {@code savevm} writes a snapshot.
     *
     * @since 1.3
     */
    SAVE_VM("save-vm"),
    /**
     * Paused while {@code loadvm} reads a snapshot.
     *
     * @since 1.3
     */
    RESTORE_VM("restore-vm");

    private final String qmpName;

    RunState(String qmpName) {
        this.qmpName = qmpName;
    }

    /** The name as QMP's {@code query-status} reports it ({@code running}). */
    public String qmpName() {
        return qmpName;
    }
}

package io.modvm.api.machine;

/** Where a machine is in its life, named as QMP's query-status names them. */
public enum RunState {
    PRELAUNCH("prelaunch"), RUNNING("running"), PAUSED("paused"), SHUTDOWN("shutdown"),
    INTERNAL_ERROR("internal-error");

    private final String qmpName;

    RunState(String qmpName) {
        this.qmpName = qmpName;
    }

    public String qmpName() {
        return qmpName;
    }
}

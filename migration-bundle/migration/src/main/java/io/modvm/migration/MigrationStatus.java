package io.modvm.migration;

/** QEMU's MigrationStatus values that modvm goes through. */
public enum MigrationStatus {
    NONE("none"),
    SETUP("setup"),
    ACTIVE("active"),
    DEVICE("device"),
    COMPLETED("completed"),
    FAILED("failed"),
    CANCELLING("cancelling"),
    CANCELLED("cancelled");

    private final String qmpName;

    MigrationStatus(String qmpName) {
        this.qmpName = qmpName;
    }

    public String qmpName() {
        return qmpName;
    }

    /** True once a migration has ended, one way or another. */
    public boolean finished() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == NONE;
    }
}

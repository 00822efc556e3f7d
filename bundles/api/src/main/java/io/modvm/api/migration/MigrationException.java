package io.modvm.api.migration;

/** A migration, snapshot or transport failed; the message is one line saying what and what to do. */
public class MigrationException extends Exception {
    private static final long serialVersionUID = 1L;

    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}

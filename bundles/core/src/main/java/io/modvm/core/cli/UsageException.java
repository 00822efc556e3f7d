package io.modvm.core.cli;

/** A command line that cannot be run; the message is one line naming the option and what to do. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}

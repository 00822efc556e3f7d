package io.modvm.api.boot;

/**
 * A disk a boot source reads is damaged or hostile, or an entry's file cannot be read. The message is one line for
 * the user: which image, which structure, what is wrong, and what to do.
 */
public class BootSourceException extends Exception {
    private static final long serialVersionUID = 1L;

    public BootSourceException(String message) {
        super(message);
    }

    public BootSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.modvm.api.accel;

/**
 * A failure of the host virtualization layer. Its message is one line meant for the user: what went wrong and
 * what to do about it.
 */
public class AcceleratorException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message one line for the user: what went wrong and what to do */
    public AcceleratorException(String message) {
        super(message);
    }

    /**
     * @param message one line for the user: what went wrong and what to do
     * @param cause the host error behind it, for the log
     */
    public AcceleratorException(String message, Throwable cause) {
        super(message, cause);
    }
}

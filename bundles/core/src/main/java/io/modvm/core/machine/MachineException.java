package io.modvm.core.machine;

/** A machine could not be built or started; the message is one line for the user. */
public class MachineException extends Exception {
    private static final long serialVersionUID = 1L;

    public MachineException(String message) {
        super(message);
    }

    public MachineException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.modvm.api.state;

/** A state record is malformed, or lacks a field, or a field has another type than asked for. */
public class StateException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message one line: which record and field, and what is wrong with it */
    public StateException(String message) {
        super(message);
    }
}

package io.modvm.core.boot;

/** A kernel or initrd that cannot be booted; the message is one line for the user. */
public class BootException extends Exception {
    private static final long serialVersionUID = 1L;

    public BootException(String message) {
        super(message);
    }
}

package io.modvm.api.memory;

/** A guest-physical access fell outside RAM. */
public class GuestMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message which range was asked for and why it is not RAM */
    public GuestMemoryException(String message) {
        super(message);
    }
}

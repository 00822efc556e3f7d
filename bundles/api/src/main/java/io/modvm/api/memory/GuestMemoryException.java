package io.modvm.api.memory;

/** A guest-physical access fell outside RAM. */
public class GuestMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GuestMemoryException(String message) {
        super(message);
    }
}

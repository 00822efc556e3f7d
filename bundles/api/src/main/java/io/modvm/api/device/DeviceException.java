package io.modvm.api.device;

/** A device could not be created or plugged; the message is one line for the user. */
public class DeviceException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message one line for the user, naming the device and what was wrong */
    public DeviceException(String message) {
        super(message);
    }

    /**
     * @param message one line for the user, naming the device and what was wrong
     * @param cause the error behind it, for the log
     */
    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.modvm.api.monitor;

/** A command failed; {@link #errorClass()} is the QMP error class ({@code GenericError}, {@code DeviceNotFound}). */
public class MonitorException extends Exception {
    private static final long serialVersionUID = 1L;
    /** QMP's class for most failures: bad arguments, or the command could not be carried out. */
    public static final String GENERIC_ERROR = "GenericError";
    /** QMP's class for a command name that no service provides. */
    public static final String COMMAND_NOT_FOUND = "CommandNotFound";
    /** QMP's class for a device id or type that does not exist. */
    public static final String DEVICE_NOT_FOUND = "DeviceNotFound";
    /** QMP's class for a device the command needs that is not active (QEMU's answer to balloon commands without a balloon). */
    public static final String DEVICE_NOT_ACTIVE = "DeviceNotActive";

    /** The QMP error class. */
    private final String errorClass;

    /**
     * @param errorClass the QMP error class, usually one of the constants here
     * @param description one line for the client: what was wrong
     */
    public MonitorException(String errorClass, String description) {
        super(description);
        this.errorClass = errorClass;
    }

    /** The QMP error class ({@code GenericError}, ...) that the monitor answers with. */
    public String errorClass() {
        return errorClass;
    }
}

package io.modvm.api.monitor;

/** A command failed; {@link #errorClass()} is the QMP error class ({@code GenericError}, {@code DeviceNotFound}). */
public class MonitorException extends Exception {
    private static final long serialVersionUID = 1L;
    public static final String GENERIC_ERROR = "GenericError";
    public static final String COMMAND_NOT_FOUND = "CommandNotFound";
    public static final String DEVICE_NOT_FOUND = "DeviceNotFound";
    public static final String DEVICE_NOT_ACTIVE = "DeviceNotActive";

    private final String errorClass;

    public MonitorException(String errorClass, String description) {
        super(description);
        this.errorClass = errorClass;
    }

    public String errorClass() {
        return errorClass;
    }
}

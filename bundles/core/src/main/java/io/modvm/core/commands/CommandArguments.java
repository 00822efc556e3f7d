package io.modvm.core.commands;

import io.modvm.api.monitor.MonitorException;
import java.util.List;
import java.util.Map;

/**
 * Checks of the QMP arguments of the core's commands, failing with QEMU's messages ("Parameter 'x' is missing",
 * "Invalid parameter type for 'x', expected: string"), so that clients written against QEMU parse our errors.
 */
final class CommandArguments {
    private CommandArguments() {
    }

    /** Fails on the first argument not in {@code allowed}. */
    static void allowOnly(Map<String, Object> arguments, String... allowed) throws MonitorException {
        List<String> names = List.of(allowed);
        for (String key : arguments.keySet()) {
            if (!names.contains(key)) {
                throw generic("Parameter '" + key + "' is unexpected");
            }
        }
    }

    static String requireString(Map<String, Object> arguments, String name) throws MonitorException {
        if (arguments.get(name) == null) {
            throw generic("Parameter '" + name + "' is missing");
        }
        return optionalString(arguments, name);
    }

    /** The string argument {@code name}, or null if absent. */
    static String optionalString(Map<String, Object> arguments, String name) throws MonitorException {
        return typed(arguments, name, String.class, "string");
    }

    /** The boolean argument {@code name}, or null if absent. */
    static Boolean optionalBoolean(Map<String, Object> arguments, String name) throws MonitorException {
        return typed(arguments, name, Boolean.class, "boolean");
    }

    /** The object argument {@code name}, or null if absent. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> optionalObject(Map<String, Object> arguments, String name) throws MonitorException {
        return typed(arguments, name, Map.class, "object");
    }

    /**
     * A property value as a command line would spell it: QMP takes JSON numbers and booleans too. Objects and
     * arrays are refused.
     */
    static String scalar(String key, Object value) throws MonitorException {
        if (value instanceof Boolean b) {
            return b ? "on" : "off";
        }
        if (value instanceof String || value instanceof Number) {
            return value.toString();
        }
        throw generic("Parameter '" + key + "' expects a string, number or boolean");
    }

    private static <T> T typed(Map<String, Object> arguments, String name, Class<T> type, String jsonType)
            throws MonitorException {
        Object value = arguments.get(name);
        if (value == null) {
            return null;
        }
        if (!type.isInstance(value)) {
            throw generic("Invalid parameter type for '" + name + "', expected: " + jsonType);
        }
        return type.cast(value);
    }

    static MonitorException generic(String description) {
        return new MonitorException(MonitorException.GENERIC_ERROR, description);
    }
}

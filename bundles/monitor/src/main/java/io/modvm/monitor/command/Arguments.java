package io.modvm.monitor.command;

import io.modvm.api.monitor.MonitorException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Checks of QMP arguments that fail with QEMU's messages ("Parameter 'x' is missing", "Invalid parameter type for
 * 'x', expected: string", "Parameter 'x' is unexpected"), so that clients written against QEMU parse our errors.
 */
public final class Arguments {
    private Arguments() {
    }

    /** Fails on the first argument not in {@code allowed}. QEMU checks this after reading the known members. */
    public static void allowOnly(Map<String, Object> arguments, String... allowed) throws MonitorException {
        List<String> names = Arrays.asList(allowed);
        for (String key : arguments.keySet()) {
            if (!names.contains(key)) {
                throw generic("Parameter '" + key + "' is unexpected");
            }
        }
    }

    public static String requireString(Map<String, Object> arguments, String name) throws MonitorException {
        if (!arguments.containsKey(name)) {
            throw generic("Parameter '" + name + "' is missing");
        }
        return typed(arguments, name, String.class, "string");
    }

    /** The integer argument {@code name}, or null if absent. */
    public static Long optionalInteger(Map<String, Object> arguments, String name) throws MonitorException {
        return typed(arguments, name, Long.class, "integer");
    }

    /** The array argument {@code name}, or null if absent. */
    @SuppressWarnings("unchecked")
    public static List<Object> optionalArray(Map<String, Object> arguments, String name) throws MonitorException {
        return typed(arguments, name, List.class, "array");
    }

    private static <T> T typed(Map<String, Object> arguments, String name, Class<T> type, String jsonType)
            throws MonitorException {
        Object value = arguments.get(name);
        if (value == null && !arguments.containsKey(name)) {
            return null;
        }
        if (!type.isInstance(value)) {
            throw generic("Invalid parameter type for '" + name + "', expected: " + jsonType);
        }
        return type.cast(value);
    }

    private static MonitorException generic(String description) {
        return new MonitorException(MonitorException.GENERIC_ERROR, description);
    }
}

package io.modvm.devices.emulated.support;

import io.modvm.api.device.DeviceException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The {@code key=value} properties of one {@code -device}, checked against what the device accepts. Every
 * error is one line that names the device type, the property, the bad value and what would be accepted, because
 * the user reads it on the command line or in a QMP error.
 */
public final class DeviceProperties {
    /** The core assigns ids for every device, so it is never an unknown property. */
    private static final String ID = "id";
    private static final Pattern DECIMAL = Pattern.compile("[0-9]+");
    private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]+");

    private final String type;
    private final Map<String, String> values;

    private DeviceProperties(String type, Map<String, String> values) {
        this.type = type;
        this.values = values;
    }

    /**
     * Checks that every property is one of {@code accepted} (or {@code id}).
     *
     * @throws DeviceException naming the first unknown property (in sorted order, so the message is stable)
     */
    public static DeviceProperties of(String type, Map<String, String> properties, String... accepted)
            throws DeviceException {
        Map<String, String> copy = properties == null ? new HashMap<>() : new HashMap<>(properties);
        Set<String> known = Set.of(accepted);
        for (String name : new TreeSet<>(copy.keySet())) {
            if (!ID.equals(name) && !known.contains(name)) {
                throw new DeviceException(unknown(type, name, accepted));
            }
        }
        return new DeviceProperties(type, copy);
    }

    private static String unknown(String type, String name, String[] accepted) {
        if (accepted.length == 0) {
            return type + ": unknown property '" + name + "'; this device takes no properties";
        }
        String[] sorted = accepted.clone();
        Arrays.sort(sorted);
        return type + ": unknown property '" + name + "'; accepted: " + String.join(", ", sorted);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The raw value, or {@code fallback} when the property is absent. */
    public String text(String name, String fallback) {
        String value = values.get(name);
        return value == null ? fallback : value;
    }

    /**
     * A number written in decimal or as {@code 0x} hex, within {@code [min, max]}. {@code hex} says how the
     * accepted range and the example are shown, so that port numbers read as users write them.
     */
    public long number(String name, long fallback, long min, long max, boolean hex) throws DeviceException {
        if (!values.containsKey(name)) {
            return fallback;
        }
        String raw = values.get(name);
        String text = raw == null ? "" : raw;
        boolean isHex = HEX.matcher(text).matches();
        if (!isHex && !DECIMAL.matcher(text).matches()) {
            throw new DeviceException(type + ": " + name + " '" + text + "' is not a number; use e.g. " + name + "="
                    + format(fallback, hex));
        }
        long value;
        try {
            value = isHex ? Long.parseLong(text.substring(2), 16) : Long.parseLong(text);
        } catch (NumberFormatException tooLong) {
            throw outOfRange(name, text, min, max, hex);
        }
        if (value < min || value > max) {
            throw outOfRange(name, text, min, max, hex);
        }
        return value;
    }

    private DeviceException outOfRange(String name, String text, long min, long max, boolean hex) {
        return new DeviceException(type + ": " + name + " '" + text + "' is out of range; use " + format(min, hex)
                + ".." + format(max, hex));
    }

    /** Formats a number as messages show it: {@code 0x3f8} or {@code 4}. */
    public static String format(long value, boolean hex) {
        return hex ? "0x" + Long.toHexString(value) : Long.toString(value);
    }
}

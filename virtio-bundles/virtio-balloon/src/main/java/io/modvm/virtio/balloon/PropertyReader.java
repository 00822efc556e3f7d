package io.modvm.virtio.balloon;

import io.modvm.api.device.DeviceException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code -device} property map the way QEMU reads device properties: switches as on/off (yes/no, true/false
 * too), sizes in bytes with an optional K, M, G or T suffix, plain counts. Each failure is one line naming the device
 * type, the property, the value and what would be accepted.
 */
final class PropertyReader {
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,15})([KMGT]?)B?", Pattern.CASE_INSENSITIVE);
    private static final Pattern COUNT = Pattern.compile("[0-9]{1,18}");
    private static final Set<String> ON = Set.of("on", "yes", "true");
    private static final Set<String> OFF = Set.of("off", "no", "false");

    private final String type;
    private final Map<String, String> values;

    private PropertyReader(String type, Map<String, String> values) {
        this.type = type;
        this.values = values;
    }

    /** Fails on the first property (in name order) that is neither {@code id} nor one of {@code accepted}. */
    static PropertyReader check(String type, Map<String, String> properties, Set<String> accepted)
            throws DeviceException {
        Map<String, String> values = properties == null ? Map.of() : properties;
        for (String name : new TreeSet<>(values.keySet())) {
            if (!name.equals("id") && !accepted.contains(name)) {
                throw new DeviceException(type + ": unknown property '" + name + "'; accepted: "
                        + String.join(", ", new TreeSet<>(accepted)));
            }
        }
        return new PropertyReader(type, values);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    boolean onOff(String name, boolean fallback) throws DeviceException {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (ON.contains(lower)) {
            return true;
        }
        if (OFF.contains(lower)) {
            return false;
        }
        throw new DeviceException(type + ": " + name + " '" + value + "' is not a switch; use " + name + "=on or "
                + name + "=off");
    }

    /** A size in bytes; {@code 512M}, {@code 1G}, or a plain byte count. */
    long size(String name, long fallback) throws DeviceException {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            throw new DeviceException(type + ": " + name + " '" + value + "' is not a size; use e.g. " + name
                    + "=512M or " + name + "=2G");
        }
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        long number = Long.parseLong(m.group(1));
        if (number > Long.MAX_VALUE >> shift) {
            throw new DeviceException(type + ": " + name + " '" + value + "' is too large");
        }
        return number << shift;
    }

    /** A whole number in {@code [min, max]}. */
    long count(String name, long fallback, long min, long max) throws DeviceException {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        if (!COUNT.matcher(value).matches()) {
            throw new DeviceException(type + ": " + name + " '" + value + "' is not a number; use e.g. " + name
                    + "=" + fallback);
        }
        long number = Long.parseLong(value);
        if (number < min || number > max) {
            throw new DeviceException(type + ": " + name + " '" + value + "' is out of range; use " + min + ".."
                    + max);
        }
        return number;
    }
}

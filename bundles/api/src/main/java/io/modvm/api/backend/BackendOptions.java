package io.modvm.api.backend;

import io.modvm.api.device.DeviceException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options a {@link BackendFactory} was given, checked the way QEMU checks them, with errors of one line that name
 * the backend type, the option and what it accepts. A factory of any bundle uses it, so that every backend words its
 * errors alike.
 *
 * @since 1.0
 */
public final class BackendOptions {
    private final String type;
    private final Map<String, String> values;

    /**
     * @param type how errors name the backend ({@code chardev file}, {@code qcow2})
     * @param accepted the options this type takes
     * @throws DeviceException naming the first option the type does not take, and those it does
     */
    public BackendOptions(String type, Map<String, String> values, Set<String> accepted) throws DeviceException {
        this.type = type;
        this.values = Map.copyOf(values);
        for (String name : new TreeSet<>(values.keySet())) {
            if (!accepted.contains(name)) {
                throw new DeviceException(type + ": unknown option '" + name + "'" + (accepted.isEmpty()
                        ? "; it takes none" : "; accepted: " + String.join(", ", new TreeSet<>(accepted))));
            }
        }
    }

    /** The option's value, or null. */
    public String get(String name) {
        return values.get(name);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** A required option; the error shows {@code example}. */
    public String required(String name, String example) throws DeviceException {
        String v = values.get(name);
        if (v == null || v.isEmpty()) {
            throw new DeviceException(type + ": option '" + name + "' is required, e.g. " + example);
        }
        return v;
    }

    /** An on/off option; QEMU also takes yes/no, true/false, and a bare name as on. */
    public boolean flag(String name, boolean otherwise) throws DeviceException {
        String v = values.get(name);
        if (v == null) {
            return otherwise;
        }
        return switch (v) {
            case "", "on", "yes", "true" -> true;
            case "off", "no", "false" -> false;
            default -> throw new DeviceException(type + ": option '" + name + "' is a switch, not '" + v + "'; use "
                    + name + "=on or " + name + "=off");
        };
    }

    /**
     * A whole-number option from {@code min} to {@code max}, or {@code otherwise} if not given; the error names the
     * option and the range ({@code tap n0: queues 'x' is not a number from 1 to 64}).
     *
     * @since 1.1
     */
    public int number(String name, int otherwise, int min, int max) throws DeviceException {
        String v = values.get(name);
        if (v == null) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new DeviceException(type + ": " + name + " '" + v + "' is not a number from " + min + " to " + max);
    }

    /** An option that must be one of {@code allowed}, if given. */
    public void oneOf(String name, String... allowed) throws DeviceException {
        String v = values.get(name);
        if (v != null && !Set.of(allowed).contains(v)) {
            throw new DeviceException(type + ": option '" + name + "' does not take '" + v + "'; use one of "
                    + String.join(", ", allowed));
        }
    }
}

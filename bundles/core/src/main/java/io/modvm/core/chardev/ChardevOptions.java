package io.modvm.core.chardev;

import io.modvm.api.device.DeviceException;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The options of one {@code -chardev TYPE,...}, checked, with errors that name the option and what it accepts. */
final class ChardevOptions {
    private final String type;
    private final Map<String, String> values;

    /**
     * @param accepted the options this type takes; any other is refused
     * @throws DeviceException naming the first option the type does not take
     */
    ChardevOptions(String type, Map<String, String> values, String... accepted) throws DeviceException {
        this.type = type;
        this.values = values;
        Set<String> known = Set.of(accepted);
        for (String name : new TreeSet<>(values.keySet())) {
            if (!known.contains(name)) {
                throw new DeviceException("chardev " + type + ": unknown option '" + name + "'"
                        + (accepted.length == 0 ? "; it takes none" : "; accepted: "
                        + String.join(", ", new TreeSet<>(Arrays.asList(accepted)))));
            }
        }
    }

    /** A required text option. */
    String required(String name, String example) throws DeviceException {
        String v = values.get(name);
        if (v == null || v.isEmpty()) {
            throw new DeviceException("chardev " + type + ": option '" + name + "' is required, e.g. " + example);
        }
        return v;
    }

    /** An on/off option (QEMU also takes yes/no, true/false, and a bare name as on). */
    boolean flag(String name, boolean otherwise) throws DeviceException {
        String v = values.get(name);
        if (v == null) {
            return otherwise;
        }
        return switch (v) {
            case "", "on", "yes", "true" -> true;
            case "off", "no", "false" -> false;
            default -> throw new DeviceException("chardev " + type + ": option '" + name + "' is a switch, not '"
                    + v + "'; use " + name + "=on or " + name + "=off");
        };
    }
}

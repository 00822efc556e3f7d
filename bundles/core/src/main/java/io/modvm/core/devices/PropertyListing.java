package io.modvm.core.devices;

import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.DeviceProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A device type's declared properties as QEMU 7.2 lists them: the text of {@code -device TYPE,help} and HMP
 * {@code device_add TYPE,help}, and QMP {@code device-list-properties}'s list of ObjectPropertyInfo.
 */
public final class PropertyListing {
    /** QEMU pads {@code  name=<type>} to this width before the description. */
    private static final int NAME_COLUMN = 24;

    private PropertyListing() {
    }

    /**
     * QEMU's help text: {@code TYPE options:} and a line per property, sorted, or {@code There are no options for
     * TYPE.}; a factory that declares nothing is said to, with its description. Ends with a newline.
     */
    public static String help(DeviceFactory factory) {
        List<DeviceProperty> declared = factory.properties();
        if (declared == null) {
            return factory.type() + " does not declare its properties; its description: " + factory.description()
                    + "\n";
        }
        if (declared.isEmpty()) {
            return "There are no options for " + factory.type() + ".\n";
        }
        List<String> lines = new ArrayList<>();
        for (DeviceProperty p : declared) {
            lines.add(line(p));
        }
        lines.sort(null);
        StringBuilder out = new StringBuilder(factory.type()).append(" options:\n");
        lines.forEach(l -> out.append(l).append('\n'));
        return out.toString();
    }

    /** One property, as QEMU's {@code object_property_help} writes it. */
    static String line(DeviceProperty p) {
        StringBuilder s = new StringBuilder("  ").append(p.name()).append("=<").append(p.typeName()).append('>');
        String description = describe(p);
        if (!description.isEmpty() || p.defaultValue() != null) {
            while (s.length() < NAME_COLUMN) {
                s.append(' ');
            }
            s.append(" - ").append(description);
        }
        if (p.defaultValue() != null) {
            s.append(" (default: ").append(json(p.defaultValue())).append(')');
        }
        return s.toString();
    }

    /**
     * QMP {@code device-list-properties}: a list of QEMU's ObjectPropertyInfo ({@code name}, {@code type},
     * {@code description}, {@code default-value}), in declaration order; empty for a factory that declares nothing.
     */
    public static List<Object> describe(DeviceFactory factory) {
        List<DeviceProperty> declared = factory.properties();
        List<Object> out = new ArrayList<>();
        if (declared == null) {
            return out;
        }
        for (DeviceProperty p : declared) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("name", p.name());
            info.put("type", p.typeName());
            String description = describe(p);
            if (!description.isEmpty()) {
                info.put("description", description);
            }
            if (p.defaultValue() != null) {
                info.put("default-value", p.defaultValue());
            }
            out.add(info);
        }
        return out;
    }

    /** The declared description; a choice's words are added, as QEMU's enum properties list theirs. */
    private static String describe(DeviceProperty p) {
        if (p.kind() != DeviceProperty.Kind.CHOICE) {
            return p.description();
        }
        String words = String.join("/", p.choices());
        return p.description().isEmpty() ? words : p.description() + " (" + words + ")";
    }

    /** A default as JSON, as QEMU prints it in help: strings quoted. */
    private static String json(Object value) {
        if (!(value instanceof String text)) {
            return value.toString();
        }
        StringBuilder s = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}

package io.modvm.core.config;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reading a configuration as the managers see it: its own properties, every value as a string. */
public final class ConfigValues {
    private ConfigValues() {
    }

    /**
     * The properties of {@code raw} that are not in {@code skip} and not added by Config Admin ({@code service.*})
     * or FileInstall ({@code felix.fileinstall.*}), each as {@link #text}; nulls left out.
     */
    public static Map<String, String> own(Map<String, ?> raw, Set<String> skip) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (Map.Entry<String, ?> p : raw.entrySet()) {
            String key = p.getKey();
            if (skip.contains(key) || key.startsWith("service.") || key.startsWith("felix.fileinstall.")
                    || p.getValue() == null) {
                continue;
            }
            properties.put(key, text(p.getValue()));
        }
        return properties;
    }

    /** The first of {@code keys} that {@code raw} has, as text, stripped; or null. */
    public static String first(Map<String, ?> raw, String... keys) {
        for (String key : keys) {
            Object v = raw.get(key);
            if (v != null) {
                return text(v).strip();
            }
        }
        return null;
    }

    /** The name a {@code .cfg} file gives its configuration: what FileInstall puts after {@code ~} in the PID. */
    public static String fileName(String pid) {
        return pid.substring(pid.indexOf('~') + 1);
    }

    /** A configuration value as a factory reads it: arrays and collections joined with commas. */
    public static String text(Object value) {
        if (value.getClass().isArray()) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                items.add(String.valueOf(Array.get(value, i)));
            }
            return String.join(",", items);
        }
        if (value instanceof Collection<?> c) {
            return String.join(",", c.stream().map(String::valueOf).toList());
        }
        return value.toString();
    }
}

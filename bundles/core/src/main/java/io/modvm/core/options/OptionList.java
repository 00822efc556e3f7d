package io.modvm.core.options;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * QEMU's {@code key=value,key=value} option syntax: a doubled comma stands for a literal comma, and the first
 * item may be a bare value (the "implied" key, such as the device type of {@code -device}). A key may be given more
 * than once: {@link #values()} keeps the last value, as QEMU does for a scalar option, and {@link #joinedValues()}
 * keeps them all, for a backend with a list option (QEMU's {@code -netdev user,hostfwd=...,hostfwd=...}).
 */
public final class OptionList {
    /**
     * What {@link #joinedValues()} puts between the values of a repeated key: NUL, which no command-line argument
     * and no monitor line can hold, so that no value is ever split where the user did not repeat the key.
     */
    public static final String REPEAT_SEPARATOR = "\u0000";

    private final String implied;
    private final Map<String, String> values;
    private final Map<String, String> joined;

    private OptionList(String implied, Map<String, String> values, Map<String, String> joined) {
        this.implied = implied;
        this.values = values;
        this.joined = joined;
    }

    public static OptionList parse(String text) {
        List<String> items = new ArrayList<>();
        StringBuilder item = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ',') {
                if (i + 1 < text.length() && text.charAt(i + 1) == ',') {
                    item.append(',');
                    i++;
                } else {
                    items.add(item.toString());
                    item.setLength(0);
                }
            } else {
                item.append(c);
            }
        }
        items.add(item.toString());
        String implied = null;
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> joined = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String s = items.get(i);
            int eq = s.indexOf('=');
            if (eq < 0) {
                if (i == 0) {
                    implied = s;
                } else if (!s.isEmpty()) {
                    values.put(s, "on");
                    joined.merge(s, "on", OptionList::join);
                }
            } else {
                values.put(s.substring(0, eq), s.substring(eq + 1));
                joined.merge(s.substring(0, eq), s.substring(eq + 1), OptionList::join);
            }
        }
        return new OptionList(implied, values, joined);
    }

    private static String join(String earlier, String later) {
        return earlier + REPEAT_SEPARATOR + later;
    }

    /** The bare first item, or null. */
    public String implied() {
        return implied;
    }

    /** Each key's value; the last one for a key given more than once. */
    public Map<String, String> values() {
        return values;
    }

    /** Each key's value; for a key given more than once, all its values in order, joined by {@link #REPEAT_SEPARATOR}. */
    public Map<String, String> joinedValues() {
        return joined;
    }
}

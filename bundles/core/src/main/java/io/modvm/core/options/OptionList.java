package io.modvm.core.options;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * QEMU's {@code key=value,key=value} option syntax: a doubled comma stands for a literal comma, and the first
 * item may be a bare value (the "implied" key, such as the device type of {@code -device}).
 */
public final class OptionList {
    private final String implied;
    private final Map<String, String> values;

    private OptionList(String implied, Map<String, String> values) {
        this.implied = implied;
        this.values = values;
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
        for (int i = 0; i < items.size(); i++) {
            String s = items.get(i);
            int eq = s.indexOf('=');
            if (eq < 0) {
                if (i == 0) {
                    implied = s;
                } else if (!s.isEmpty()) {
                    values.put(s, "on");
                }
            } else {
                values.put(s.substring(0, eq), s.substring(eq + 1));
            }
        }
        return new OptionList(implied, values);
    }

    /** The bare first item, or null. */
    public String implied() {
        return implied;
    }

    public Map<String, String> values() {
        return values;
    }
}

package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares JSON by shape, not value: object keys and the types of their values, and list elements by their
 * shapes. Two answers from different VMMs about the same machine state should have the same shape even where
 * names, numbers and devices differ.
 */
final class JsonShapes {
    private JsonShapes() {
    }

    /** A canonical text of the shape: keys sorted, a list as the set of its elements' shapes. */
    static String of(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, String> shapes = new TreeMap<>();
            map.forEach((k, v) -> shapes.put(String.valueOf(k), of(v)));
            return shapes.toString();
        }
        if (value instanceof List<?> list) {
            TreeSet<String> shapes = new TreeSet<>();
            list.forEach(e -> shapes.add(of(e)));
            return "[" + String.join(" | ", shapes) + "]";
        }
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof Long) {
            return "integer";
        }
        if (value instanceof Double) {
            return "number";
        }
        return value.getClass().getSimpleName();
    }

    static void assertSame(String what, Object qemu, Object modvm) {
        assertEquals(of(qemu), of(modvm), what + ": shapes differ\n QEMU:  " + qemu + "\n modvm: " + modvm);
    }

    /**
     * For answers that depend on the devices: only the keys both have are compared, and list elements are
     * compared, key by shared key, with QEMU's first element. Scalars must have the same type.
     */
    static void assertCompatible(String path, Object qemu, Object modvm) {
        if (qemu instanceof Map<?, ?> q && modvm instanceof Map<?, ?> m) {
            for (Object key : q.keySet()) {
                if (m.containsKey(key)) {
                    assertCompatible(path + "." + key, q.get(key), m.get(key));
                }
            }
        } else if (qemu instanceof List<?> q && modvm instanceof List<?> m) {
            if (!q.isEmpty()) {
                for (int i = 0; i < m.size(); i++) {
                    assertCompatible(path + "[" + i + "]", q.get(0), m.get(i));
                }
            }
        } else if (!of(qemu).equals(of(modvm))) {
            fail(path + ": QEMU has " + of(qemu) + " (" + qemu + "), modvm has " + of(modvm) + " (" + modvm + ")");
        }
    }
}

package io.modvm.launcher.assemble;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OSGi manifest header syntax, as far as the assembler reads it: a header is clauses separated by commas, a clause
 * is names then attributes ({@code a=b}, {@code a:Type=b}) and directives ({@code a:=b}) separated by semicolons;
 * strings quoted with {@code "} or (as bnd allows) {@code '} may hold either separator.
 *
 * @param names the clause's leading names (packages of an Export-Package clause, a capability's namespace)
 * @param attributes its attributes without their types, and its directives with their {@code :} (as {@code filter:})
 */
record ManifestClauses(List<String> names, Map<String, String> attributes) {
    static List<ManifestClauses> parse(String header) {
        List<ManifestClauses> clauses = new ArrayList<>();
        if (header == null) {
            return clauses;
        }
        for (String clause : split(header, ',')) {
            List<String> names = new ArrayList<>();
            Map<String, String> attributes = new LinkedHashMap<>();
            for (String part : split(clause, ';')) {
                int eq = part.indexOf('=');
                if (eq < 0) {
                    if (!part.isBlank()) {
                        names.add(part.strip());
                    }
                    continue;
                }
                String key = part.substring(0, eq).strip();
                String value = unquote(part.substring(eq + 1).strip());
                if (key.endsWith(":")) {
                    attributes.put(key, value); // a directive: a:=b
                } else {
                    int colon = key.indexOf(':');
                    attributes.put(colon < 0 ? key : key.substring(0, colon), value);
                }
            }
            clauses.add(new ManifestClauses(names, attributes));
        }
        return clauses;
    }

    /** Splits on {@code separator} outside double quotes. */
    static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        for (char c : text.toCharArray()) {
            if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
            } else if (c == quote) {
                quote = 0;
            }
            if (c == separator && quote == 0) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))
                ? value.substring(1, value.length() - 1) : value;
    }
}

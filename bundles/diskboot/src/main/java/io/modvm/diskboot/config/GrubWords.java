package io.modvm.diskboot.config;

import java.util.Map;

/** Expands one raw grub.cfg word: quotes removed, {@code $name} and {@code ${name}} replaced outside single quotes. */
final class GrubWords {
    private GrubWords() {
    }

    static String expand(String raw, Map<String, String> vars) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        int n = raw.length();
        char quote = 0;
        while (i < n) {
            char c = raw.charAt(i);
            if (quote == 0 && (c == '\'' || c == '"')) {
                quote = c;
                i++;
            } else if (c == quote) {
                quote = 0;
                i++;
            } else if (c == '\\' && quote != '\'' && i + 1 < n) {
                out.append(raw.charAt(i + 1));
                i += 2;
            } else if (c == '$' && quote != '\'' && i + 1 < n) {
                int start = i + 1;
                int end;
                String name;
                if (raw.charAt(start) == '{') {
                    end = raw.indexOf('}', start);
                    if (end < 0) {
                        out.append(c);
                        i++;
                        continue;
                    }
                    name = raw.substring(start + 1, end);
                    end++;
                } else {
                    end = start;
                    while (end < n && (Character.isLetterOrDigit(raw.charAt(end)) || raw.charAt(end) == '_')) {
                        end++;
                    }
                    name = raw.substring(start, end);
                }
                if (name.isEmpty()) {
                    out.append(c);
                    i++;
                    continue;
                }
                out.append(vars.getOrDefault(name, ""));
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}

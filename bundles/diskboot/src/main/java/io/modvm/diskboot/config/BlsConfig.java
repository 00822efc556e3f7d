package io.modvm.diskboot.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Boot Loader Specification type #1 entries ({@code loader/entries/*.conf}): {@code title}, {@code linux},
 * {@code initrd} (repeatable), {@code options} (repeatable, joined). Entries are in file-name order; the default
 * is the one {@code loader.conf}'s {@code default} names (an id or a glob, as systemd-boot takes it), else the
 * first.
 */
public final class BlsConfig {
    private BlsConfig() {
    }

    /**
     * @param dir the entries' directory, for messages
     * @param files entry file name to its text, in the order to list them
     * @param loaderConf the text of {@code loader.conf}, or null
     */
    public static ConfigMenu parse(String dir, Map<String, String> files, String loaderConf) {
        List<ConfigEntry> entries = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, String> f : files.entrySet()) {
            String title = null;
            String linux = null;
            List<FileRef> initrds = new ArrayList<>();
            List<String> options = new ArrayList<>();
            for (String raw : f.getValue().split("\r?\n")) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] kv = line.split("\\s+", 2);
                String value = kv.length > 1 ? kv[1].strip() : "";
                switch (kv[0]) {
                    case "title" -> title = value;
                    case "linux" -> linux = value;
                    case "initrd" -> initrds.add(new FileRef(null, absolute(value)));
                    case "options" -> options.add(value);
                    default -> {
                        // version, machine-id, sort-key, architecture: not needed to boot
                    }
                }
            }
            if (linux == null) {
                continue;
            }
            String id = f.getKey().endsWith(".conf") ? f.getKey().substring(0, f.getKey().length() - 5) : f.getKey();
            entries.add(new ConfigEntry(title != null ? title : id, id, new FileRef(null, absolute(linux)), initrds,
                    String.join(" ", options)));
            names.add(f.getKey());
        }
        return new ConfigMenu(dir, entries, defaultIndex(names, loaderConf));
    }

    private static int defaultIndex(List<String> names, String loaderConf) {
        if (loaderConf == null) {
            return 0;
        }
        String pattern = null;
        for (String raw : loaderConf.split("\r?\n")) {
            String[] kv = raw.strip().split("\\s+", 2);
            if (kv[0].equals("default") && kv.length > 1) {
                pattern = kv[1].strip();
            }
        }
        if (pattern == null || pattern.isEmpty() || pattern.startsWith("@")) {
            return 0;
        }
        java.util.regex.Pattern glob = glob(pattern);
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String id = name.substring(0, name.length() - (name.endsWith(".conf") ? 5 : 0));
            if (glob.matcher(name).matches() || glob.matcher(id).matches()) {
                return i;
            }
        }
        return 0;
    }

    /** A glob's {@code *} and {@code ?} as a regular expression; everything else literal. */
    private static java.util.regex.Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : java.util.regex.Pattern.quote(String.valueOf(c)));
        }
        return java.util.regex.Pattern.compile(re.toString());
    }

    private static String absolute(String path) {
        return path.startsWith("/") ? path : "/" + path;
    }
}

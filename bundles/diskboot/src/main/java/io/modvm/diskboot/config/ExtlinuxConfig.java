package io.modvm.diskboot.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code extlinux.conf} / {@code syslinux.cfg}: {@code DEFAULT}, {@code LABEL}, {@code MENU LABEL},
 * {@code KERNEL}/{@code LINUX}, {@code INITRD} (comma-separated), {@code APPEND} (an {@code initrd=} in it too).
 * {@code INCLUDE} and menus in other files are not followed. Relative paths are taken from the file's directory,
 * as SYSLINUX does.
 */
public final class ExtlinuxConfig {
    private ExtlinuxConfig() {
    }

    public static ConfigMenu parse(String file, String text) {
        String dir = file.substring(0, file.lastIndexOf('/') + 1);
        List<ConfigEntry> entries = new ArrayList<>();
        String defaultLabel = null;
        Builder current = null;
        List<Builder> builders = new ArrayList<>();
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] kv = line.split("\\s+", 2);
            String key = kv[0].toUpperCase(Locale.ROOT);
            String value = kv.length > 1 ? kv[1].strip() : "";
            if (key.equals("MENU") && value.toUpperCase(Locale.ROOT).startsWith("LABEL") && current != null) {
                current.title = value.substring(5).strip();
                continue;
            }
            switch (key) {
                case "DEFAULT" -> defaultLabel = value;
                case "LABEL" -> {
                    current = new Builder(value);
                    builders.add(current);
                }
                case "KERNEL", "LINUX" -> {
                    if (current != null) {
                        current.kernel = value;
                    }
                }
                case "INITRD" -> {
                    if (current != null) {
                        current.initrd = value;
                    }
                }
                case "APPEND" -> {
                    if (current != null) {
                        current.append = value;
                    }
                }
                default -> {
                    // UI, PROMPT, TIMEOUT, MENU ...: a screen's matters, not the boot's
                }
            }
        }
        int defaultIndex = 0;
        for (Builder b : builders) {
            if (b.kernel == null) {
                continue;
            }
            if (b.label.equals(defaultLabel)) {
                defaultIndex = entries.size();
            }
            entries.add(b.build(dir));
        }
        return new ConfigMenu(file, entries, defaultIndex);
    }

    private static final class Builder {
        final String label;
        String title;
        String kernel;
        String initrd;
        String append = "";

        Builder(String label) {
            this.label = label;
        }

        ConfigEntry build(String dir) {
            List<String> args = new ArrayList<>();
            String initrds = initrd;
            for (String a : append.split("\\s+")) {
                if (a.startsWith("initrd=")) {
                    initrds = initrds == null ? a.substring(7) : initrds;
                } else if (!a.isEmpty()) {
                    args.add(a);
                }
            }
            List<FileRef> refs = new ArrayList<>();
            if (initrds != null) {
                for (String i : initrds.split(",")) {
                    if (!i.isBlank()) {
                        refs.add(new FileRef(null, resolve(dir, i.strip())));
                    }
                }
            }
            return new ConfigEntry(title != null ? title : label, label, new FileRef(null, resolve(dir, kernel)),
                    refs, String.join(" ", args));
        }

        private static String resolve(String dir, String path) {
            return path.startsWith("/") ? path : dir + path;
        }
    }
}

package io.modvm.api.boot;

import java.util.List;

/**
 * The boot entries one source found on one disk, in the configuration's order, and the one it boots by default.
 *
 * @param entries at least one entry
 * @param defaultIndex the index in {@code entries} the configuration makes the default
 */
public record BootMenu(List<BootEntry> entries, int defaultIndex) {
    public BootMenu {
        entries = List.copyOf(entries);
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a boot menu has at least one entry");
        }
        if (defaultIndex < 0 || defaultIndex >= entries.size()) {
            throw new IllegalArgumentException("default entry " + defaultIndex + " of " + entries.size());
        }
    }

    /** The entry booted when the user names none. */
    public BootEntry defaultEntry() {
        return entries.get(defaultIndex);
    }
}

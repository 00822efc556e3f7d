package io.modvm.diskboot.config;

import java.util.List;

/** The entries of one configuration file, in order, with the index of its default; empty if it has none. */
public record ConfigMenu(String file, List<ConfigEntry> entries, int defaultIndex) {
    public ConfigMenu {
        entries = List.copyOf(entries);
    }
}

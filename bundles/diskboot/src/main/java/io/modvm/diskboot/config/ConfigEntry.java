package io.modvm.diskboot.config;

import java.util.List;

/** One entry a configuration file gives: its title, id, kernel, initrds and command line. */
public record ConfigEntry(String title, String id, FileRef kernel, List<FileRef> initrds, String cmdline) {
    public ConfigEntry {
        initrds = List.copyOf(initrds);
    }
}

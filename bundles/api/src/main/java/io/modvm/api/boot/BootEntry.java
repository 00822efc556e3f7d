package io.modvm.api.boot;

import java.util.List;
import java.util.Objects;

/**
 * One entry of a disk's boot menu: what the guest's boot loader would start.
 *
 * @param title the title the menu shows ({@code menuentry 'Debian GNU/Linux'}, {@code LABEL linux}, a BLS
 *     {@code title})
 * @param id the entry's identifier where the configuration gives one ({@code --id}, a BLS file name), else the title
 * @param where where the configuration was found, for the user: {@code partition 1 (ext4) /boot/grub/grub.cfg}
 * @param kernel the kernel the entry starts
 * @param initrds the entry's initrds, concatenated in order when it boots; empty for none
 * @param cmdline the kernel command line the entry gives, empty for none
 */
public record BootEntry(String title, String id, String where, BootFile kernel, List<BootFile> initrds,
        String cmdline) {
    public BootEntry {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(kernel, "kernel");
        initrds = List.copyOf(initrds);
        cmdline = cmdline == null ? "" : cmdline;
    }
}

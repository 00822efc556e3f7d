package io.modvm.diskboot.source;

import io.modvm.api.boot.BootSourceException;
import io.modvm.diskboot.config.BlsConfig;
import io.modvm.diskboot.config.ConfigMenu;
import io.modvm.diskboot.config.DeviceSearch;
import io.modvm.diskboot.config.ExtlinuxConfig;
import io.modvm.diskboot.config.GrubConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Looks for a boot loader's configuration on one file system, in the order the boot loaders' own installers put
 * them: GRUB 2 (grub.cfg), then Boot Loader Specification entries, then extlinux/syslinux. A disk has one boot
 * loader, so the first configuration found is the one the guest's firmware would have run.
 */
final class ConfigFinder {
    private static final List<String> GRUB = List.of("/boot/grub/grub.cfg", "/grub/grub.cfg", "/boot/grub2/grub.cfg",
            "/grub2/grub.cfg", "/EFI/debian/grub.cfg", "/EFI/ubuntu/grub.cfg", "/EFI/fedora/grub.cfg");
    private static final List<String> BLS = List.of("/loader", "/boot/loader");
    private static final List<String> EXTLINUX = List.of("/boot/extlinux/extlinux.conf", "/extlinux/extlinux.conf",
            "/extlinux.conf", "/boot/syslinux/syslinux.cfg", "/syslinux/syslinux.cfg", "/syslinux.cfg");
    /** No boot loader configuration is this large. */
    private static final long MAX_CONFIG = 1 << 20;
    private static final int MAX_BLS_ENTRIES = 256;

    private ConfigFinder() {
    }

    static Optional<ConfigMenu> find(Volume v, DeviceSearch search) throws BootSourceException {
        for (String path : GRUB) {
            Optional<String> text = text(v, path);
            if (text.isPresent()) {
                return nonEmpty(GrubConfig.parse(path, text.get(), search));
            }
        }
        for (String dir : BLS) {
            List<String> names = v.fs().list(dir + "/entries");
            Map<String, String> files = new LinkedHashMap<>();
            for (String name : names.stream().filter(n -> n.endsWith(".conf")).sorted().limit(MAX_BLS_ENTRIES)
                    .toList()) {
                text(v, dir + "/entries/" + name).ifPresent(t -> files.put(name, t));
            }
            if (!files.isEmpty()) {
                return nonEmpty(BlsConfig.parse(dir + "/entries", files, text(v, dir + "/loader.conf").orElse(null)));
            }
        }
        for (String path : EXTLINUX) {
            Optional<String> text = text(v, path);
            if (text.isPresent()) {
                return nonEmpty(ExtlinuxConfig.parse(path, text.get()));
            }
        }
        return Optional.empty();
    }

    private static Optional<ConfigMenu> nonEmpty(ConfigMenu m) {
        return m.entries().isEmpty() ? Optional.empty() : Optional.of(m);
    }

    private static Optional<String> text(Volume v, String path) throws BootSourceException {
        Optional<ByteBuffer> b = v.fs().read(path, MAX_CONFIG, "a boot loader configuration");
        return b.map(buf -> StandardCharsets.UTF_8.decode(buf).toString());
    }
}

package io.modvm.core.firmware;

import io.modvm.core.boot.BootException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a BIOS image is found, as QEMU finds it: a {@code -bios} path that exists as given; otherwise its name in
 * each {@code -L} directory, then in the system's firmware directories (Debian's {@code seabios} package puts
 * {@code bios-256k.bin}, the image QEMU's pc uses, in {@code /usr/share/seabios}).
 */
public final class FirmwareSearch {
    /** The image QEMU's pc machine loads when no {@code -bios} is given. */
    public static final String DEFAULT_BIOS = "bios-256k.bin";
    /** Where distributions install SeaBIOS and QEMU's firmware, searched after the {@code -L} directories. */
    public static final List<Path> SYSTEM_DIRS = List.of(Path.of("/usr/share/seabios"), Path.of("/usr/share/qemu"),
            Path.of("/usr/share/qemu-kvm"));

    private final List<Path> dirs;

    /** @param firmwareDirs the {@code -L} directories, searched in order before the system's */
    public FirmwareSearch(List<Path> firmwareDirs) {
        List<Path> all = new ArrayList<>(firmwareDirs);
        all.addAll(SYSTEM_DIRS);
        this.dirs = List.copyOf(all);
    }

    /**
     * The BIOS image to boot: {@code bios} (null for the default), found and checked.
     *
     * @throws BootException in one line if it is not found or not a BIOS image
     */
    public BiosImage bios(Path bios) throws BootException {
        if (bios != null && (bios.isAbsolute() || Files.isRegularFile(bios))) {
            return BiosImage.read(bios);
        }
        String name = bios == null ? DEFAULT_BIOS : bios.toString();
        Path found = find(name);
        if (found == null) {
            throw new BootException((bios == null ? "no firmware to boot with: " : "-bios " + bios + ": ")
                    + name + " is in none of " + dirs + (bios == null
                            ? " (install SeaBIOS, Debian's seabios package, or give -bios FILE)" : ""));
        }
        return BiosImage.read(found);
    }

    /** A file called {@code name} in the search directories, or null. */
    public Path find(String name) {
        for (Path d : dirs) {
            Path p = d.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}

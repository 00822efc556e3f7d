package io.modvm.core.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The guest modvm boots when no {@code -kernel} is given: the kernel and busybox initramfs that
 * {@code tools/guest/build} puts in {@code $MODVM_CACHE/guest} (default {@code ~/.cache/modvm/guest}). On a
 * host that emulates guest kernel code, this guest alone gets the extra command-line options its build wrote to
 * {@code cmdline-pvm.txt}; a kernel the user names is never changed.
 */
final class DefaultGuest {
    static final String BASE_CMDLINE = "console=ttyS0";

    private final Path dir;

    DefaultGuest(Path dir) {
        this.dir = dir;
    }

    static DefaultGuest fromEnvironment() {
        String cache = System.getenv("MODVM_CACHE");
        Path base = cache != null && !cache.isEmpty() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "modvm");
        return new DefaultGuest(base.resolve("guest"));
    }

    Path kernel() {
        return dir.resolve("bzImage");
    }

    Path initrd() {
        return dir.resolve("initramfs.cpio");
    }

    boolean isBuilt() {
        return Files.isRegularFile(kernel()) && Files.isRegularFile(initrd());
    }

    /** The guest's command line: the user's {@code -append}, or the console default, plus any host options. */
    String cmdline(String userAppend, boolean emulatedKernel) throws UsageException {
        String base = userAppend == null ? BASE_CMDLINE : userAppend;
        if (!emulatedKernel) {
            return base;
        }
        Path options = dir.resolve("cmdline-pvm.txt");
        try {
            return (base + " " + Files.readString(options).strip()).strip();
        } catch (IOException e) {
            throw new UsageException("the default guest in " + dir + " lacks cmdline-pvm.txt; rebuild it with "
                    + "tools/guest/build --force");
        }
    }

    /**
     * The options a host that emulates guest kernel code needs on any Linux kernel's command line (the default
     * guest's build found them), or "" if the default guest was not built.
     */
    String hostOptions() {
        try {
            return Files.readString(dir.resolve("cmdline-pvm.txt")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** One line saying how to get the default guest, for when it is missing. */
    String missingMessage(String buildCommand) {
        return "no -kernel given and the default guest is not built yet (" + dir + "); build it once with "
                + buildCommand + " (about 10 minutes), or give -kernel FILE";
    }
}

package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The default guest that tools/guest/build makes; the Linux tests need it and say how to get it. */
final class LinuxGuest {
    private LinuxGuest() {
    }

    static Path dir() {
        String cache = System.getenv("MODVM_CACHE");
        Path base = cache != null && !cache.isEmpty() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "modvm");
        return base.resolve("guest");
    }

    static Path file(String name) {
        Path p = dir().resolve(name);
        if (!Files.isRegularFile(p)) {
            fail(p + " is missing: the Linux tests need the default guest; build it with tools/guest/build "
                    + "(tools/test does this first)");
        }
        return p;
    }

    static boolean hostEmulatesKernel() {
        return Files.isDirectory(Path.of("/sys/module/kvm_pvm"));
    }

    /** The command line for a test kernel: the console, what this host needs, and no reboot on panic. */
    static String cmdline(String extra) throws IOException {
        String host = hostEmulatesKernel() ? Files.readString(file("cmdline-pvm.txt")).strip() : "";
        return ("console=ttyS0 panic=-1 " + host + " " + extra).strip();
    }

    static final String PVM_SKIP_REASON = "Linux user space cannot run on this host: its KVM is PVM, a software "
            + "KVM whose first guest SYSCALL fails (see docs/kvm-hosts.md); this test needs VT-x or AMD-V";
}

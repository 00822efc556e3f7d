package io.modvm.e2e;

import io.modvm.testguest.TestGuestBuilder;
import java.nio.file.Path;

/** Builds the tiny test guests of src/test/resources/guests with the kit, once per source. */
final class Guests {
    private Guests() {
    }

    static Path build(String name) {
        return TestGuestBuilder.build(Path.of("target/guests").toAbsolutePath(), "guests/" + name + ".c");
    }

    /** Builds a tiny i386 guest in bzImage form from src/test/resources/guests32 (the kit's bzimage32 head). */
    static Path bzImage32(String name) {
        return TestGuestBuilder.buildBzImage32(Path.of("target/guests").toAbsolutePath(), "guests32/" + name + ".c");
    }

    /** QEMU's isa-debug-exit status for a guest exit code. */
    static int status(int code) {
        return code << 1 | 1;
    }
}

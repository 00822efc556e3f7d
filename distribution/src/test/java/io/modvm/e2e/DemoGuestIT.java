package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.modvm.testguest.TestGuestBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code tools/quickstart --demo}, with the options quickstart gives modvm: the tiny guest answers a line, and
 * {@code exit} ends modvm with status 0, as a guest that powers off does. It is not Linux, so modvm tells it
 * nothing about Linux on this host.
 */
@Timeout(90)
class DemoGuestIT {
    private static final Duration RUN = Duration.ofSeconds(30);

    @Test
    void demoAnswersAndExitEndsWithZeroWithoutTheLinuxNote() throws Exception {
        Path guest = TestGuestBuilder.build(Path.of("target/guests").toAbsolutePath(), "demo",
                Files.readString(Path.of("../tools/testguest/demo/demo.c")));
        try (ModvmProcess p = ModvmProcess.start("-nographic", "-m", "64", "-kernel", guest.toString(), "-device",
                "isa-debug-exit,iobase=0x501,iosize=2")) {
            p.awaitOutput("> ", RUN);
            p.type("hi\r");
            p.awaitOutput("you typed 2 characters: hi", RUN);
            p.type("exit\r");
            assertEquals(0, p.waitFor(RUN), "exit powers the guest off:\n" + p.stdout() + p.stderr());
            assertFalse(p.stderr().contains("note:"), "the host note speaks of Linux:\n" + p.stderr());
        }
    }
}

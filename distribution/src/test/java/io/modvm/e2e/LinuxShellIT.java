package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The default guest's shell, as a newcomer meets it: modvm with no -kernel. These need Linux user space, which
 * runs on any host with VT-x or AMD-V; on a PVM host they are skipped with the reason.
 */
class LinuxShellIT {
    @BeforeEach
    void needsUserSpace() {
        boolean pvm = LinuxGuest.hostEmulatesKernel();
        if (pvm) {
            System.out.println("LinuxShellIT skipped: " + LinuxGuest.PVM_SKIP_REASON);
        }
        assumeFalse(pvm, LinuxGuest.PVM_SKIP_REASON);
    }

    @Test
    @Timeout(600)
    void aCommandTypedOnTheConsoleAnswersAndPoweroffEndsModvmWithZero() throws Exception {
        LinuxGuest.file("bzImage");
        try (ModvmProcess p = ModvmProcess.start("-m", "256", "-smp", "2")) {
            p.awaitOutput("# ", Duration.ofMinutes(5));
            p.type("echo modvm-$((6*7))\n");
            p.awaitOutput("modvm-42", Duration.ofMinutes(1));
            p.type("poweroff -f\n");
            assertEquals(0, p.waitFor(Duration.ofMinutes(2)), p.stdout() + p.stderr());
        }
    }
}

package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The informational flags, answered by the running bundles. */
@Timeout(60)
class CliIT {
    private static final Duration RUN = Duration.ofSeconds(30);

    @Test
    void deviceHelpListsWhatTheRegistryHolds() throws Exception {
        ModvmProcess p = ModvmProcess.runToEnd(RUN, "-device", "help");
        assertEquals(0, p.exitValue(), p.stderr());
        for (String type : new String[] {"isa-serial", "i8042", "mc146818rtc", "acpi-pm", "isa-debug-exit", "pc-testdev"}) {
            assertTrue(p.stdout().contains("name \"" + type + "\""), p.stdout());
        }
    }

    @Test
    void versionAndHelp() throws Exception {
        ModvmProcess v = ModvmProcess.runToEnd(RUN, "-version");
        assertEquals(0, v.exitValue());
        assertTrue(v.stdout().startsWith("modvm version 0.1.0"), v.stdout());
        // The build's JDK made the class archive, and bin/modvm runs it with that JDK.
        String archive = Runtime.version().feature() >= 25 ? "AOT cache " : "CDS archive ";
        assertTrue(v.stdout().contains("running on Java " + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vendor") + "), " + archive), v.stdout());
        ModvmProcess h = ModvmProcess.runToEnd(RUN, "-h");
        assertEquals(0, h.exitValue());
        assertTrue(h.stdout().contains("-kernel FILE"), h.stdout());
        assertTrue(h.stdout().contains("Ctrl-A x"), h.stdout());
    }
}

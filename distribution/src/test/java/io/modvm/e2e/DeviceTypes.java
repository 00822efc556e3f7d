package io.modvm.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;

/**
 * The device types the assembled distribution holds, from {@code bin/modvm -device help}, so that a test of a
 * device that is not installed is skipped with the reason instead of failing on a usage error.
 */
final class DeviceTypes {
    private static String listing;

    private DeviceTypes() {
    }

    static synchronized String listing() throws Exception {
        if (listing == null) {
            ModvmProcess p = ModvmProcess.runToEnd(Duration.ofSeconds(60), "-device", "help");
            listing = p.stdout();
        }
        return listing;
    }

    /** Skips the calling test unless every one of {@code types} is listed. */
    static void assumeInstalled(String... types) throws Exception {
        String all = listing();
        for (String type : List.of(types)) {
            assumeTrue(all.contains("name \"" + type + "\""), "this distribution has no device type " + type
                    + " (bin/modvm -device help lists:\n" + all + ")");
        }
    }
}

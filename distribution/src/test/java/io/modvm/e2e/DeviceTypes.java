package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

/**
 * The device types the assembled distribution holds, from {@code bin/modvm -device help}, so that a test of a
 * device missing from the distribution fails saying so instead of on a usage error.
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

    /** Fails the calling test unless every one of {@code types} is listed: every virtio device ships. */
    static void assertInstalled(String... types) throws Exception {
        String all = listing();
        for (String type : List.of(types)) {
            assertTrue(all.contains("name \"" + type + "\""), "this distribution has no device type " + type
                    + " (bin/modvm -device help lists:\n" + all + ")");
        }
    }
}

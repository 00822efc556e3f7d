package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The QMP events of a hot-swap, as a client sees them: modvm's own {@code __io.modvm_DEVICE_SWAPPED} for a device
 * that came back, never QEMU's DEVICE_DELETED.
 */
final class SwapEvents {
    static final String SWAPPED = "__io.modvm_DEVICE_SWAPPED";

    private SwapEvents() {
    }

    /**
     * Waits for the swap event of device {@code id} and checks its data: its type, whether its state was kept, and
     * the versions of the bundles it went from and to (both {@code version}: the same jar updated in place).
     */
    static void awaitSwapped(QmpTestClient c, String id, String type, boolean stateKept, String version,
            Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            c.returned("query-status"); // reads the events that came meanwhile
            List<Map<?, ?>> swapped = c.events().stream().filter(e -> SWAPPED.equals(e.get("event")))
                    .<Map<?, ?>>map(e -> (Map<?, ?>) e.get("data")).filter(d -> id.equals(d.get("device"))).toList();
            if (!swapped.isEmpty()) {
                assertEquals(1, swapped.size(), "one swap event for " + id + ": " + swapped);
                assertEquals(Map.of("device", id, "path", "/machine/peripheral/" + id, "type", type, "old-version",
                        version, "new-version", version, "state-kept", stateKept), swapped.get(0));
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("no " + SWAPPED + " for " + id + " within " + timeout + "; events: " + c.events());
            }
            Thread.sleep(100);
        }
    }

    /** No DEVICE_DELETED has come: a client must not believe any device is gone. */
    static void assertNoneDeleted(QmpTestClient c) throws Exception {
        c.returned("query-status");
        assertFalse(c.events().stream().anyMatch(e -> "DEVICE_DELETED".equals(e.get("event"))),
                "no DEVICE_DELETED for a device that came back: " + c.events());
    }
}

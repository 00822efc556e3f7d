package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulated devices' bundles (serial, RTC, e1000) updated one after another under a tiny guest
 * (guests/uart_watch.c) that keeps COM1 and the CMOS in a state of its own and checks it every 10 ms: the UART, the
 * RTC and the NIC are carried across each update with their state (parked, their ports given back, and restored
 * into the new bundle's instances on the same ports), so the guest reads back what it left and its serial output
 * goes on; QMP sees each device swapped, none deleted.
 */
@Timeout(180)
class IsaHotSwapIT {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration SEEN = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void updatingTheEmulatedDevicesBundleKeepsTheUartsAndTheCmossState() throws Exception {
        Path home = DistributionCopy.in(dir);
        Path socket = dir.resolve("qmp.sock");
        try (ModvmProcess p = ModvmProcess.start(home, Map.of("MODVM_LOG", "info"), List.of(), "-kernel",
                Guests.build("uart_watch").toString(), "-m", "64", "-device", "e1000,id=nic0", "-qmp",
                "unix:" + socket + ",server,nowait");
                QmpTestClient c = QmpTestClient.connect(socket, p, START)) {
            c.negotiate();
            p.awaitOutput("uart: round 20 ok", START);

            update(c, "io.modvm.devices.emulated.serial");
            await("the UART taken over by the updated bundle",
                    () -> p.stderr().contains("device serial0 taken over by a new isa-serial instance"));
            // The guest checks the CMOS too: the RTC's bundle is updated under it as well, and the NIC's.
            update(c, "io.modvm.devices.emulated.rtc");
            await("the RTC taken over by the updated bundle",
                    () -> p.stderr().contains("taken over by a new mc146818rtc instance"));
            update(c, "io.modvm.devices.emulated.e1000");
            await("the e1000 taken over by the updated bundle",
                    () -> p.stderr().contains("device nic0 taken over by a new e1000 instance"));
            assertTrue(p.stderr().contains("device serial0 parked for a hot-swap"), p.stderr());
            long rounds = count(p.stdout(), "uart: round");
            await("the guest's rounds go on after the swap", () -> count(p.stdout(), "uart: round") >= rounds + 5);
            assertFalse(p.stdout().contains("uart: lost"), p.stdout());
            assertFalse(p.stderr().contains("DEVICE_DELETED"), p.stderr());
            SwapEvents.awaitSwapped(c, "serial0", "isa-serial", true, "0.1.0.SNAPSHOT", SEEN);
            SwapEvents.awaitSwapped(c, "nic0", "e1000", true, "0.1.0.SNAPSHOT", SEEN);
            SwapEvents.assertNoneDeleted(c);
            assertEquals("running", ((Map<?, ?>) c.returned("query-status")).get("status"));
            c.execute("quit");
            assertEquals(0, p.waitFor(Duration.ofSeconds(60)), "stderr:\n" + p.stderr());
        }
    }

    private static void update(QmpTestClient c, String bundle) throws Exception {
        Map<String, Object> update = new LinkedHashMap<>();
        update.put("bundle", bundle);
        assertEquals(bundle, ((Map<?, ?>) c.returned("__io.modvm_bundle-update", update)).get("bundle"));
    }

    private static long count(String text, String part) {
        return text.lines().filter(l -> l.contains(part)).count();
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + SEEN.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + SEEN + ": " + what);
            }
            Thread.sleep(100);
        }
    }
}

package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bundles from the monitor, under a tiny guest (guests/pci_watch.c) that drives a virtio-rng: {@code info bundles}
 * and its QMP twin name each bundle's device types; {@code info qtree} shows every device with the bundle that
 * provides it; a device bundle stopped and started by its artifact name hands its device over as an update does;
 * unknown and ambiguous names and the bundles modvm cannot do without get one line each; a jar installed from the
 * monitor that offers a type another bundle holds is refused with a line naming both, takes the devices over when
 * the holder stops, and is uninstalled by its file name; and {@code -gogo} gives a Gogo shell on a socket.
 */
@Timeout(240)
class BundlesMonitorIT {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration SEEN = Duration.ofSeconds(60);
    private static final String RNG = "virtio-rng-pci";
    private static final String RNG_BUNDLE = "io.modvm.virtio.rng";

    @TempDir
    Path dir;

    @BeforeEach
    void deviceInstalled() throws Exception {
        DeviceTypes.assertInstalled(RNG);
    }

    @Test
    @SuppressWarnings("unchecked")
    void infoBundlesAndInfoQtreeNameWhatEachBundleProvides() throws Exception {
        try (ModvmProcess p = start(Map.of(), "-device", RNG + ",id=rng0");
                QmpTestClient c = connect(p)) {
            Map<String, Object> rng = bundle(c, RNG_BUNDLE);
            assertEquals("active", rng.get("state"));
            assertEquals(List.of(RNG), rng.get("device-types"));
            assertTrue(((String) rng.get("file")).matches("virtio\\.rng-.*\\.jar"), rng.toString());
            assertEquals(List.of("isa-serial"), bundle(c, "io.modvm.devices.emulated.serial").get("device-types"));
            assertEquals(List.of("i8042"), bundle(c, "io.modvm.devices.emulated.ps2").get("device-types"));
            assertEquals(List.of("mc146818rtc"), bundle(c, "io.modvm.devices.emulated.rtc").get("device-types"));
            assertTrue(((List<Object>) bundle(c, "io.modvm.migration.transport.socket").get("transports"))
                    .contains("tcp"));
            assertTrue(((List<Object>) bundle(c, "io.modvm.monitor").get("commands"))
                    .contains("__io.modvm_query-bundles"));
            assertTrue(((List<Object>) bundle(c, "io.modvm.core").get("backends")).contains("chardev:file"));
            String info = hmp(c, "info bundles");
            assertTrue(info.matches("(?s).*\\d+ active +io\\.modvm\\.virtio\\.rng 0\\.1\\.0\\.SNAPSHOT "
                    + "\\(virtio\\.rng-0\\.1\\.0-SNAPSHOT\\.jar\\)\r\n +devices: virtio-rng-pci\r\n.*"), info);

            String qtree = hmp(c, "info qtree");
            assertTrue(qtree.startsWith("bus: main-system-bus\r\n  type System\r\n"), qtree);
            assertTrue(qtree.contains("  bus: pci.0\r\n    type PCI\r\n"), qtree);
            assertTrue(qtree.matches("(?s).*    dev: virtio-rng-pci, id \"rng0\"\r\n      addr = [0-9a-f]{2}\\.0\r\n"
                    + "      bundle = io\\.modvm\\.virtio\\.rng 0\\.1\\.0\\.SNAPSHOT\r\n.*"), qtree);
            assertTrue(qtree.matches("(?s).*  bus: isa.0\r\n.*    dev: isa-serial, id \"serial0\"\r\n"
                    + "      ioport 03f8/0008\r\n"
                    + "      bundle = io\\.modvm\\.devices\\.emulated\\.serial 0\\.1\\.0\\.SNAPSHOT\r\n.*"), qtree);
            for (String[] device : List.of(new String[] {"i8042", "ps2"}, new String[] {"mc146818rtc", "rtc"})) {
                assertTrue(qtree.matches("(?s).*    dev: " + device[0] + ", id \"[^\"]+\"\r\n(      ioport .*\r\n)+"
                        + "      bundle = io\\.modvm\\.devices\\.emulated\\." + device[1] + " .*"),
                        device[0] + " in:\n" + qtree);
            }
            Map<String, Object> pci = bus(c, "pci.0");
            Map<String, Object> rng0 = ((List<Map<String, Object>>) pci.get("devices")).stream()
                    .filter(d -> "rng0".equals(d.get("id"))).findFirst().orElseThrow();
            assertEquals(RNG, rng0.get("type"));
            assertEquals(RNG_BUNDLE, rng0.get("bundle"));
            assertEquals("0.1.0.SNAPSHOT", rng0.get("version"));
            quit(p, c);
        }
    }

    @Test
    void badNamesAndEssentialBundlesGetOneLineEach() throws Exception {
        try (ModvmProcess p = start(Map.of()); QmpTestClient c = connect(p)) {
            String unknown = hmp(c, "bundle_stop virtio-rgn");
            assertTrue(unknown.startsWith("Error: No bundle 'virtio-rgn' is installed; installed: "), unknown);
            assertTrue(unknown.contains(", " + RNG_BUNDLE + ", ") && unknown.contains("io.modvm.core"), unknown);
            assertEquals(1, unknown.lines().count(), unknown);
            String ambiguous = hmp(c, "bundle_stop core");
            assertTrue(ambiguous.startsWith("Error: Bundle name 'core' is ambiguous: "), ambiguous);
            assertTrue(ambiguous.contains("io.modvm.core 0.1.0.SNAPSHOT (id ")
                    && ambiguous.contains("io.modvm.virtio.core 0.1.0.SNAPSHOT (id "), ambiguous);
            assertEquals("Error: Refusing to stop io.modvm.core: the machine and the monitor need it; use quit to "
                    + "end modvm\r\n", hmp(c, "bundle_stop io.modvm.core"));
            assertEquals("Error: Refusing to uninstall io.modvm.monitor: it is the monitor you are talking to\r\n",
                    hmp(c, "bundle_uninstall monitor-0.1.0-SNAPSHOT.jar"));
            assertEquals("Error: Refusing to stop org.apache.felix.framework: it is the OSGi framework; use quit to "
                    + "end modvm\r\n", hmp(c, "bundle_stop 0"));
            assertTrue(hmp(c, "bundle_install " + dir.resolve("none.jar")).startsWith("Error: Cannot read '"));
            assertEquals("running", ((Map<?, ?>) c.returned("query-status")).get("status"));
            quit(p, c);
        }
    }

    @Test
    void aDeviceBundleStoppedAndStartedByItsArtifactNameHandsItsDeviceOver() throws Exception {
        try (ModvmProcess p = start(Map.of("MODVM_LOG", "info"), "-device", RNG + ",id=r1", "-append", "rngloop");
                QmpTestClient c = connect(p)) {
            p.awaitOutput("rng: rounds 20", SEEN);
            assertTrue(hmp(c, "bundle_stop virtio.rng").matches(
                    "io\\.modvm\\.virtio\\.rng 0\\.1\\.0\\.SNAPSHOT \\(id \\d+\\): resolved\r\n"));
            await("r1 parked", () -> p.stderr().contains("device r1 parked for a hot-swap"));
            assertEquals(List.of(), bundle(c, RNG_BUNDLE).get("device-types"));
            String parked = hmp(c, "info qtree");
            assertTrue(parked.contains("    dev: virtio-rng-pci, id \"r1\"\r\n      addr = ") && parked.contains(
                    "      bundle = io.modvm.virtio.rng 0.1.0.SNAPSHOT (left; parked for a new provider of the type)"),
                    parked);
            assertTrue(hmp(c, "bundle_start virtio.rng-0.1.0-SNAPSHOT.jar").endsWith("): active\r\n"));
            await("r1 taken over", () -> p.stderr().contains("device r1 taken over by a new virtio-rng-pci instance"));
            long rounds = count(p.stdout(), "rng: rounds");
            await("the guest's reads go on", () -> count(p.stdout(), "rng: rounds") >= rounds + 3);
            assertFalse(p.stdout().contains("request failed"), p.stdout());
            assertFalse(c.events().stream().anyMatch(e -> "DEVICE_DELETED".equals(e.get("event"))), c.events()
                    .toString());
            quit(p, c);
        }
    }

    @Test
    void aStoppedDeviceBundleThatDoesNotComeBackTakesItsDeviceOutOfTheGuest() throws Exception {
        try (ModvmProcess p = start(Map.of("MODVM_LOG", "info", "MODVM_JAVA_OPTS",
                "-Dmodvm.device.swap.timeout=1000"), "-device", RNG + ",id=r1");
                QmpTestClient c = connect(p)) {
            p.awaitOutput("rng: ok", SEEN);
            hmp(c, "bundle_stop " + RNG_BUNDLE);
            await("DEVICE_DELETED for r1", () -> {
                c.returned("query-status");
                return c.events().stream().anyMatch(e -> "DEVICE_DELETED".equals(e.get("event"))
                        && "r1".equals(((Map<?, ?>) e.get("data")).get("device")));
            });
            p.awaitOutput("pci: - ", SEEN);
            assertTrue(p.stderr().contains("device r1 (virtio-rng-pci): no new factory of its type in time"),
                    p.stderr());
            quit(p, c);
        }
    }

    /**
     * The duplicate rule: a fork of the rng bundle installed from the monitor is refused for virtio-rng-pci (one
     * line naming both bundles and versions) while the original holds the type; stopping the original hands r1 to
     * the fork through the swap path; uninstalling the fork by its jar's file name hands it back once the original
     * is started again.
     */
    @Test
    void aSecondBundleForOneTypeIsRefusedAndTakesOverOnlyWhenTheHolderLeaves() throws Exception {
        Path fork = RenamedBundle.write(jar("virtio.rng-"), dir.resolve("rng-fork-2.0.0.jar"), "com.example.rng.fork",
                "2.0.0");
        try (ModvmProcess p = start(Map.of("MODVM_LOG", "info"), "-device", RNG + ",id=r1", "-append", "rngloop");
                QmpTestClient c = connect(p)) {
            p.awaitOutput("rng: rounds 20", SEEN);
            assertTrue(hmp(c, "bundle_install -s " + fork).matches(
                    "com\\.example\\.rng\\.fork 2\\.0\\.0 installed as bundle \\d+: active\r\n"));
            await("the fork refused", () -> p.stderr().contains("device type virtio-rng-pci: com.example.rng.fork "
                    + "2.0.0 is refused, io.modvm.virtio.rng 0.1.0.SNAPSHOT provides it already; stop or uninstall "
                    + "one of them"));
            assertEquals(1, count(p.stderr(), "is refused"), p.stderr());
            assertTrue(hmp(c, "info qtree").contains("bundle = io.modvm.virtio.rng 0.1.0.SNAPSHOT"));
            assertFalse(p.stderr().contains("device r1 parked"), p.stderr());

            hmp(c, "bundle_stop " + RNG_BUNDLE);
            await("r1 taken over by the fork", () -> p.stderr().contains(
                    "device r1 taken over by a new virtio-rng-pci instance"));
            assertTrue(p.stderr().contains("device type virtio-rng-pci: io.modvm.virtio.rng 0.1.0.SNAPSHOT left; "
                    + "com.example.rng.fork 2.0.0 provides it now"), p.stderr());
            assertTrue(hmp(c, "info qtree").contains("bundle = com.example.rng.fork 2.0.0\r\n"));
            long rounds = count(p.stdout(), "rng: rounds");
            await("the guest's reads go on with the fork", () -> count(p.stdout(), "rng: rounds") >= rounds + 3);

            assertTrue(hmp(c, "bundle_uninstall rng-fork-2.0.0.jar").endsWith("): uninstalled\r\n"));
            assertTrue(hmp(c, "info bundles").indexOf("com.example.rng.fork") < 0);
            hmp(c, "bundle_start " + RNG_BUNDLE);
            await("r1 back with the original", () -> hmp(c, "info qtree").contains(
                    "bundle = io.modvm.virtio.rng 0.1.0.SNAPSHOT"));
            long later = count(p.stdout(), "rng: rounds");
            await("the guest's reads go on", () -> count(p.stdout(), "rng: rounds") >= later + 3);
            assertFalse(p.stdout().contains("request failed"), p.stdout());
            quit(p, c);
        }
    }

    @Test
    void gogoOnASocketAnswersLbAndTheModvmCommands() throws Exception {
        Path gogo = dir.resolve("gogo.sock");
        try (ModvmProcess p = start(Map.of(), "-gogo", "unix:" + gogo + ",server,nowait");
                QmpTestClient c = connect(p);
                Hmp shell = Hmp.connect(gogo, START, "g! ")) {
            String lb = shell.command("lb -s");
            assertTrue(lb.contains("|Active     |") && lb.contains(RNG_BUNDLE) && lb.contains("io.modvm.core"), lb);
            assertTrue(shell.command("modvm:info status").contains("VM status: running"));
            assertTrue(shell.command("no-such-command").contains("CommandNotFoundException"));
            quit(p, c);
        }
    }

    @Test
    void gogoWithoutTheGogoRuntimeSaysSoInOneLine() throws Exception {
        Path home = DistributionCopy.in(dir);
        try (Stream<Path> jars = Files.list(home.resolve("bundle"))) {
            for (Path j : jars.filter(j -> j.getFileName().toString().startsWith("org.apache.felix.gogo.")).toList()) {
                Files.delete(j);
            }
        }
        // The assembly's bundle list names them too: an assembly without Gogo lists none of them.
        Path list = home.resolve("bundles.list");
        Files.write(list, Files.readAllLines(list).stream().filter(l -> !l.contains("org.apache.felix.gogo.")).toList());
        Path gogo = dir.resolve("gogo.sock");
        List<String> args = guestArgs("-gogo", "unix:" + gogo + ",server,nowait");
        try (ModvmProcess p = ModvmProcess.start(home, Map.of(), List.of(), args.toArray(String[]::new));
                QmpTestClient c = connect(p)) {
            p.awaitError("-gogo unix:" + gogo + ",server,nowait: no Gogo shell: the bundle "
                    + "org.apache.felix.gogo.runtime is not active in this modvm; add it, or leave -gogo out", SEEN);
            quit(p, c);
        }
    }

    // ---- helpers ----

    private ModvmProcess start(Map<String, String> env, String... more) throws Exception {
        return ModvmProcess.start(env, List.of(), guestArgs(more).toArray(String[]::new));
    }

    private List<String> guestArgs(String... more) {
        List<String> args = new ArrayList<>(List.of("-kernel", Guests.build("pci_watch").toString(), "-m", "64",
                "-qmp", "unix:" + dir.resolve("qmp.sock") + ",server,nowait"));
        args.addAll(List.of(more));
        return args;
    }

    private QmpTestClient connect(ModvmProcess p) throws Exception {
        QmpTestClient c = QmpTestClient.connect(dir.resolve("qmp.sock"), p, START);
        c.negotiate();
        p.awaitOutput("pci: watching", START);
        return c;
    }

    private static Path jar(String prefix) throws IOException {
        try (Stream<Path> jars = Files.list(ModvmProcess.home().resolve("bundle"))) {
            return jars.filter(j -> j.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
        }
    }

    private static Map<String, Object> bundle(QmpTestClient c, String name) throws Exception {
        return entry(c, "__io.modvm_query-bundles", "name", name);
    }

    private static Map<String, Object> bus(QmpTestClient c, String name) throws Exception {
        return entry(c, "__io.modvm_query-qtree", "bus", name);
    }

    /** The entry of a list {@code command} returns whose {@code key} is {@code value}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> entry(QmpTestClient c, String command, String key, String value)
            throws Exception {
        for (Object b : (List<Object>) c.returned(command)) {
            if (value.equals(((Map<?, ?>) b).get(key))) {
                return (Map<String, Object>) b;
            }
        }
        throw new AssertionError("no " + key + " " + value + " in " + command);
    }

    private static String hmp(QmpTestClient c, String line) throws Exception {
        return (String) c.returned("human-monitor-command", Map.of("command-line", line));
    }

    private static long count(String text, String part) {
        return text.lines().filter(l -> l.contains(part)).count();
    }

    private static void quit(ModvmProcess p, QmpTestClient c) throws Exception {
        c.execute("quit");
        assertEquals(0, p.waitFor(Duration.ofSeconds(60)), "stderr:\n" + p.stderr());
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + SEEN.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + SEEN + ": " + what);
            }
            Thread.sleep(100);
        }
    }
}

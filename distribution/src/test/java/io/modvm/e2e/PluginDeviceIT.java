package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.modvm.testguest.TestGuestBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin SDK's example, end to end: examples/hello-device is built with Maven as a third party builds it
 * (its own project, against the API in the local repository), its jar goes into the bundle folder of a copy of
 * the distribution, and a tiny guest (examples/hello-device/guest/hello_pci.c) finds {@code -device hello-pci} by
 * its IDs and reads and writes its registers. The device is cold-plugged: it is there when the guest starts.
 * The template script (examples/new-device) is checked the same way with a project it makes.
 *
 * <p>Then live: the jar dropped into deploy/ of a modvm that runs a tiny guest watching the PCI bus
 * (guests/hello_watch.c), the device hot-added and removed through QMP; and bad plugins and bad input on such a
 * running guest (a factory that throws, a device that throws on guest access and is fenced off, a bundle that does
 * not resolve, device_add and device_del errors), each leaving the guest running and the other devices working.
 */
@Timeout(600)
class PluginDeviceIT {
    private static final Duration BUILD = Duration.ofMinutes(5);
    private static final Duration RUN = Duration.ofSeconds(90);
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration SEEN = Duration.ofSeconds(60);
    private static final String HELLO_JAR = "hello-device-1.0.0.jar";

    @TempDir
    static Path dir;
    private static Path home;
    private static Path example;
    private static PluginRepository repository;

    /** The checkout's root: the distribution module's parent (failsafe runs in the module's folder). */
    private static Path repoRoot() {
        Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        return module.getParent();
    }

    @BeforeAll
    static void buildExampleIntoCopyOfDistribution() throws Exception {
        example = repoRoot().resolve("examples/hello-device");
        home = distributionWith(build(example, HELLO_JAR, true), "modvm");
    }

    /**
     * Builds the device project in {@code project} with Maven, offline, against the artifacts this build publishes
     * for plugin authors ({@link PluginRepository}), and returns its bundle jar. With {@code runTests} its whole
     * test suite runs ({@code verify}): the unit tests against the test kit's fake machine, and the boot tests
     * against this distribution, which must run (not be skipped) and pass.
     */
    private static Path build(Path project, String jarName, boolean runTests) throws Exception {
        assertTrue(Files.isRegularFile(project.resolve("pom.xml")), "no device project at " + project);
        String pom = project.resolve("pom.xml").toString();
        List<String> args = new ArrayList<>(List.of("-B"));
        args.addAll(repository().mavenArguments());
        args.addAll(List.of("-f", pom, runTests ? "verify" : "package", "-Dmodvm.home=" + ModvmProcess.home()));
        if (!runTests) {
            args.add("-DskipTests");
        }
        Result build = mvn(args.toArray(String[]::new));
        assertEquals(0, build.status, "mvn -f " + pom + " " + args + ":\n" + build.output);
        if (runTests) {
            Matcher run = Pattern.compile("Tests run: (\\d+), Failures: 0, Errors: 0, Skipped: 0, Time elapsed: "
                    + ".* -- in .*BootIT").matcher(build.output);
            assertTrue(run.find() && Integer.parseInt(run.group(1)) > 0, "the project's boot test did not run:\n"
                    + build.output);
            assertTrue(build.output.contains("FactoryTest"), "the project's unit tests did not run:\n" + build.output);
        }
        Path jar = project.resolve("target").resolve(jarName);
        assertTrue(Files.isRegularFile(jar), "the build made no " + jar);
        return jar;
    }

    private static synchronized PluginRepository repository() throws IOException {
        if (repository == null) {
            repository = PluginRepository.in(Files.createDirectories(dir.resolve("maven")), repoRoot());
        }
        return repository;
    }

    /** A copy of the assembled distribution, in {@code name} under the test folder, with {@code jar} in bundle/. */
    private static Path distributionWith(Path jar, String name) throws IOException {
        Path copy = copy(ModvmProcess.home(), dir.resolve(name));
        Files.copy(jar, copy.resolve("bundle").resolve(jar.getFileName()));
        return copy;
    }

    private record Result(int status, String output) {}

    private static Result mvn(String... args) throws IOException, InterruptedException {
        return run(List.of("mvn"), args);
    }

    /** Runs {@code command} and {@code args} in the checkout's root, output and errors together. */
    private static Result run(List<String> program, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(program);
        command.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "run", ".log");
        Process p = new ProcessBuilder(command).directory(repoRoot().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(BUILD.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            return new Result(-1, "timed out after " + BUILD + "\n" + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }

    private static ModvmProcess runToEnd(Path modvm, String... args) throws Exception {
        ModvmProcess p = ModvmProcess.start(modvm, java.util.Map.of(), List.of(), args);
        p.closeInput();
        try {
            p.waitFor(RUN);
        } finally {
            p.close();
        }
        return p;
    }

    @Test
    void deviceHelpListsThePluginType() throws Exception {
        ModvmProcess p = runToEnd(home, "-device", "help");
        assertEquals(0, p.exitValue(), p.stderr());
        assertTrue(p.stdout().contains("name \"hello-pci\", desc \"example PCI device"), p.stdout());
        ModvmProcess properties = runToEnd(home, "-device", "hello-pci,help");
        assertEquals(0, properties.exitValue(), properties.stderr());
        assertEquals("hello-pci options:\n  scratch=<uint32>       - the scratch register's value at power-on and "
                + "reset (default: 0)\n", properties.stdout());
    }

    /** Boots the project's guest (guest/NAME.c) with {@code -device type}; returns its output once it exited 0. */
    private static String runGuest(Path modvm, Path project, String guestName, String type) throws Exception {
        String source = Files.readString(project.resolve("guest").resolve(guestName + ".c"));
        Path guest = TestGuestBuilder.build(Path.of("target/guests").toAbsolutePath(), guestName, source);
        ModvmProcess p = runToEnd(modvm, "-kernel", guest.toString(), "-device", VirtioGuests.DEBUG_EXIT,
                "-device", type);
        String out = p.stdout();
        assertEquals(Guests.status(0), p.exitValue(), "guest output:\n" + out + "\nstderr:\n" + p.stderr());
        return out;
    }

    @Test
    void guestFindsTheDeviceAndReadsAndWritesItsRegisters() throws Exception {
        String out = runGuest(home, example, "hello_pci", "hello-pci");
        assertTrue(out.matches("(?s).*hello: found 00:[0-9a-f]{2}\\.0 1b36:7e57 class ff0000 rev 01 "
                + "subsystem 1b36:7e57\r?\n.*"), out);
        assertTrue(out.contains("hello: bar0 size 0x1000"), out);
        assertTrue(out.contains("hello: id 4d564845"), out);
        assertTrue(out.contains("hello: scratch after reset 00000000"), out);
        assertTrue(out.contains("hello: scratch cafef00d"), out);
        assertTrue(out.contains("hello: scratch after byte and word writes 12345a0d"), out);
        assertTrue(out.contains("hello: scratch high byte 12"), out);
        assertTrue(out.contains("hello: id after write 4d564845"), out);
        assertTrue(out.contains("hello: done"), out);
    }

    @Test
    void templateScriptMakesAWorkingDeviceOfANewType() throws Exception {
        Path project = dir.resolve("acme-watchdog");
        Result made = run(List.of(repoRoot().resolve("examples/new-device").toString()), "acme-watchdog",
                "acme-wdt-pci", "--package", "com.acme.wdt", "--group", "com.acme", "--dir", project.toString());
        assertEquals(0, made.status, made.output);
        assertTrue(Files.isRegularFile(project.resolve("src/main/java/com/acme/wdt/AcmeWdtPciFactory.java")),
                made.output);
        Path modvm = distributionWith(build(project, "acme-watchdog-1.0.0.jar", true), "modvm-acme");
        ModvmProcess help = runToEnd(modvm, "-device", "help");
        assertTrue(help.stdout().contains("name \"acme-wdt-pci\""), help.stdout());
        String out = runGuest(modvm, project, "acme_wdt_pci", "acme-wdt-pci");
        assertTrue(out.contains("hello: scratch cafef00d"), out);
        assertTrue(out.contains("hello: done"), out);
    }

    // ---- live: a modvm that runs hello_watch with QMP, plugins dropped into its deploy/ folder ----

    private static Path socket(Path modvm) {
        return modvm.resolve("qmp.sock");
    }

    /** A copy of the distribution named {@code name}, running the hello_watch guest with QMP. */
    private static ModvmProcess startWatching(Path modvm) throws Exception {
        String guest = Guests.build("hello_watch").toString();
        return ModvmProcess.start(modvm, Map.of(), List.of(), "-kernel", guest, "-m", "64", "-qmp",
                "unix:" + socket(modvm) + ",server,nowait");
    }

    private static QmpTestClient connect(Path modvm, ModvmProcess p) throws Exception {
        QmpTestClient c = QmpTestClient.connect(socket(modvm), p, START);
        c.negotiate();
        p.awaitOutput("hello-watch: watching", START);
        return c;
    }

    /** Copies {@code jar} into deploy/ of {@code modvm} under a temporary name and renames it, as FileInstall wants. */
    private static Path deploy(Path modvm, Path jar) throws IOException {
        Path staged = Files.copy(jar, dir.resolve(jar.getFileName() + ".staged"), StandardCopyOption.REPLACE_EXISTING);
        return Files.move(staged, modvm.resolve("deploy").resolve(jar.getFileName()),
                StandardCopyOption.ATOMIC_MOVE);
    }

    private static Map<String, Object> args(String... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + timeout + ": " + what);
            }
            Thread.sleep(100);
        }
    }

    /**
     * device_add of {@code type} until the type is known (its bundle, dropped into deploy/, has started): returns
     * the first answer that is not "not a valid device model name".
     */
    private static Map<String, Object> addOnceKnown(QmpTestClient c, Map<String, Object> arguments) throws Exception {
        Map<String, Object>[] answer = new Map[1];
        await(arguments.get("driver") + " known to device_add", SEEN, () -> {
            answer[0] = c.execute("device_add", arguments);
            return !(answer[0].containsKey("error") && desc(answer[0]).contains("is not a valid device model name"));
        });
        return answer[0];
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Integer> slotsById(QmpTestClient c) throws Exception {
        Map<String, Integer> slots = new LinkedHashMap<>();
        for (Object bus : (List<Object>) c.returned("query-pci")) {
            for (Object d : (List<Object>) ((Map<String, Object>) bus).get("devices")) {
                Map<String, Object> device = (Map<String, Object>) d;
                slots.put((String) device.get("qdev_id"), ((Number) device.get("slot")).intValue());
            }
        }
        return slots;
    }

    private static List<Object> deletedEvents(QmpTestClient c) {
        return c.events().stream().filter(e -> "DEVICE_DELETED".equals(e.get("event")))
                .map(e -> ((Map<?, ?>) e.get("data")).get("device")).map(Object.class::cast).toList();
    }

    private static void awaitDeleted(QmpTestClient c, String id) throws Exception {
        await("DEVICE_DELETED for " + id, SEEN, () -> {
            c.returned("query-status");
            return deletedEvents(c).contains(id);
        });
    }

    private static void assertReturnedEmpty(Map<String, Object> answer) {
        assertEquals(Map.of(), answer.get("return"), answer.toString());
    }

    private static String desc(Map<String, Object> answer) {
        assertTrue(answer.containsKey("error"), "expected an error: " + answer);
        return (String) ((Map<?, ?>) answer.get("error")).get("desc");
    }

    private static void assertError(Map<String, Object> answer, String descPart) {
        assertTrue(desc(answer).contains(descPart), answer.toString());
    }

    /** The last "hello SS: ok N" count of the device in {@code slot}, or -1. */
    private static long okCount(String out, int slot) {
        Matcher m = Pattern.compile(String.format("hello %02x: ok (\\d+)", slot)).matcher(out);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    private static long ticks(String out) {
        return out.lines().filter(l -> l.startsWith("tick ")).count();
    }

    /** The guest goes on printing, and drives the hello device in {@code slot} without a wrong read-back. */
    private static void assertGuestAndDeviceGoOn(ModvmProcess p, QmpTestClient c, int slot, String after)
            throws Exception {
        String out = p.stdout();
        long ticks = ticks(out);
        long ok = okCount(out, slot);
        await("the guest goes on after " + after + " (ticks after " + ticks + ", slot " + slot + " ok after " + ok
                + ")", SEEN, () -> ticks(p.stdout()) >= ticks + 2 && okCount(p.stdout(), slot) > ok);
        assertFalse(p.stdout().contains(String.format("hello %02x: bad", slot)), after + ":\n" + p.stdout());
        assertEquals("running", ((Map<?, ?>) c.returned("query-status")).get("status"), after);
    }

    private static void quit(ModvmProcess p, QmpTestClient c) throws Exception {
        c.execute("quit");
        assertEquals(0, p.waitFor(Duration.ofSeconds(60)), "stderr:\n" + p.stderr());
    }

    @Test
    void theExampleDroppedIntoARunningModvmIsHotAddedAndRemoved() throws Exception {
        Path modvm = copy(ModvmProcess.home(), dir.resolve("modvm-live"));
        try (ModvmProcess p = startWatching(modvm); QmpTestClient c = connect(modvm, p)) {
            assertError(c.execute("device_add", args("driver", "hello-pci", "id", "h1")),
                    "'hello-pci' is not a valid device model name");
            Path deployed = deploy(modvm, example.resolve("target").resolve(HELLO_JAR));
            assertReturnedEmpty(addOnceKnown(c, args("driver", "hello-pci", "id", "h1")));
            int slot = slotsById(c).get("h1");
            String s = String.format("%02x", slot);
            p.awaitOutput("acpi: added " + s, SEEN);
            p.awaitOutput("pci: + " + s + " 1b36:7e57", SEEN);
            p.awaitOutput("hello " + s + ": id 4d564845", SEEN);
            p.awaitOutput("hello " + s + ": scratch cafef00d", SEEN);
            p.awaitOutput("hello " + s + ": ok ", SEEN);

            // The jar updated in place: hello-pci is no StatefulDevice, so it is rebuilt with create() in its slot,
            // with a warning that names it, and QMP hears of a swap that did not keep the state, not of a removal.
            Files.setLastModifiedTime(deployed,
                    java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
            SwapEvents.awaitSwapped(c, "h1", "hello-pci", false, "1.0.0", SEEN);
            assertTrue(p.stderr().contains("WARN") && p.stderr().contains("device h1 (hello-pci) cannot hand its "
                    + "state over (it is not a StatefulDevice)"), p.stderr());
            SwapEvents.assertNoneDeleted(c);
            assertEquals(slot, slotsById(c).get("h1"), "the same slot");
            assertFalse(p.stdout().contains("pci: - " + s), p.stdout());

            assertEquals(Map.of(), c.returned("device_del", args("id", "h1")));
            awaitDeleted(c, "h1");
            p.awaitOutput("acpi: eject " + s, SEEN); // gone once the guest ejected it (console and QMP race)
            assertFalse(slotsById(c).containsKey("h1"));
            p.awaitOutput("pci: - " + s + " 1b36:7e57", SEEN);
            assertFalse(p.stdout().contains("hello " + s + ": bad"), p.stdout());
            quit(p, c);
        }
    }

    /**
     * A project made by examples/new-device from the template, with one line added: {@code faulty-pci}, whose
     * factory throws (an IllegalStateException, a bug rather than a refusal) when given its property, and whose
     * device throws when the guest reads its scratch register.
     */
    private static Path faultyDevice() throws Exception {
        Path project = dir.resolve("faulty-device");
        Result made = run(List.of(repoRoot().resolve("examples/new-device").toString()), "faulty-device",
                "faulty-pci", "--dir", project.toString());
        assertEquals(0, made.status, made.output);
        Path factory = project.resolve("src/main/java/com/example/modvm/faultydevice/FaultyPciFactory.java");
        String typedCreate = "    public Device create(DeviceContext context, DeviceProperties properties) throws "
                + "DeviceException {\n";
        Files.writeString(factory, replaceOnce(Files.readString(factory), typedCreate, typedCreate
                + "        if (properties.isSet(\"scratch\")) {\n"
                + "            throw new IllegalStateException(TYPE + \": a bug in create\");\n        }\n"));
        Path device = project.resolve("src/main/java/com/example/modvm/faultydevice/FaultyPci.java");
        String read = "    public long read(long offset, int size) {\n";
        Files.writeString(device, replaceOnce(Files.readString(device), read,
                read + "        if (offset == 4) throw new IllegalStateException(\"faulty-pci: a bug in read\");\n"));
        return build(project, "faulty-device-1.0.0.jar", false); // its own tests see its faults
    }

    private static String replaceOnce(String text, String what, String with) {
        assertTrue(text.contains(what), "the template changed: no '" + what + "' in\n" + text);
        return text.replace(what, with);
    }

    /** A bundle whose Import-Package nobody exports: it installs, and never resolves. */
    private static Path unresolvableBundle() throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "com.example.unresolvable");
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package", "com.example.nobody.exports;version=\"[1.0,2)\"");
        Path jar = dir.resolve("unresolvable-1.0.0.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
        return jar;
    }

    @Test
    void badPluginsAndBadInputLeaveTheGuestAndTheOtherDevicesAlone() throws Exception {
        Path faulty = faultyDevice();
        Path modvm = copy(ModvmProcess.home(), dir.resolve("modvm-faults"));
        try (ModvmProcess p = startWatching(modvm); QmpTestClient c = connect(modvm, p)) {
            deploy(modvm, example.resolve("target").resolve(HELLO_JAR));
            assertReturnedEmpty(addOnceKnown(c, args("driver", "hello-pci", "id", "h1")));
            int slot = slotsById(c).get("h1");
            p.awaitOutput(String.format("hello %02x: ok ", slot), SEEN);

            // device_add and device_del errors (unknown type, duplicate id, a refused, a missing and a wrong
            // property, a bad id), each answered in QEMU's words while h1 goes on
            String unknown = desc(c.execute("device_add", args("driver", "no-such-device", "id", "x1")));
            assertTrue(unknown.startsWith("'no-such-device' is not a valid device model name; known types: "),
                    unknown);
            assertTrue(unknown.contains("hello-pci") && unknown.contains("virtio-rng-pci"), unknown);
            assertError(c.execute("device_add", args("driver", "hello-pci", "id", "h1")),
                    "Duplicate device ID 'h1'");
            assertError(c.execute("device_add", args("driver", "hello-pci", "id", "h2", "colour", "red")),
                    "hello-pci: unknown property 'colour'; accepted: scratch");
            assertError(c.execute("device_add", args("driver", "virtio-rng-pci", "id", "r1", "max-bytes", "lots")),
                    "max-bytes 'lots'");
            assertError(c.execute("device_add", args("driver", "virtio-blk-pci", "id", "d1")),
                    "virtio-blk-pci: no disk given; name a block backend with drive=ID");
            Map<String, Object> notScalar = args("driver", "virtio-rng-pci", "id", "r2");
            notScalar.put("period", Map.of("ms", 1));
            assertError(c.execute("device_add", notScalar), "Parameter 'period' expects a string, number or boolean");
            assertError(c.execute("device_add", args("driver", "hello-pci", "id", "9lives")),
                    "Parameter 'id' expects an identifier");
            assertError(c.execute("device_add", args("id", "x2")), "Parameter 'driver' is missing");
            Map<String, Object> notFound = c.execute("device_del", args("id", "nope"));
            assertEquals("DeviceNotFound", ((Map<?, ?>) notFound.get("error")).get("class"), notFound.toString());
            assertError(notFound, "Device 'nope' not found");
            assertGuestAndDeviceGoOn(p, c, slot, "device_add and device_del errors");

            // a plugin whose factory throws: a clear error, nothing plugged
            deploy(modvm, faulty);
            Map<String, Object> thrown = addOnceKnown(c, args("driver", "faulty-pci", "id", "f0", "scratch", "1"));
            assertError(thrown, "the device failed to start: java.lang.IllegalStateException: faulty-pci: a bug in "
                    + "create");
            assertFalse(slotsById(c).containsKey("f0"), "query-pci: " + slotsById(c));
            assertGuestAndDeviceGoOn(p, c, slot, "a factory that threw");

            // a device that throws on a guest access: fenced off, logged once with its id; h1 goes on
            assertEquals(Map.of(), c.returned("device_add", args("driver", "faulty-pci", "id", "f1")));
            String f = String.format("%02x", slotsById(c).get("f1"));
            p.awaitOutput("hello " + f + ": id 4d564845", SEEN); // served until it failed
            p.awaitOutput("hello " + f + ": scratch ffffffff", SEEN); // the failing read reads all ones
            p.awaitOutput("hello " + f + ": bad id ffffffff scratch ffffffff", SEEN); // and so does the ID now
            await("the fence logged", SEEN, () -> p.stderr().contains("device f1 failed on a guest MMIO read"));
            assertTrue(p.stderr().contains("the device is fenced off"), p.stderr());
            assertEquals(1, count(p.stderr(), "device f1 failed on a guest"), "logged once:\n" + p.stderr());
            assertGuestAndDeviceGoOn(p, c, slot, "a device that threw on a guest access");
            assertEquals(1, count(p.stderr(), "device f1 failed on a guest"), "logged once:\n" + p.stderr());
            // the fenced device still leaves as any other does
            assertEquals(Map.of(), c.returned("device_del", args("id", "f1")));
            awaitDeleted(c, "f1");

            // a bundle that does not resolve: one line naming it and the missing package; the guest goes on
            deploy(modvm, unresolvableBundle());
            await("the unresolved bundle reported", SEEN, () -> p.stderr().contains("com.example.unresolvable"));
            Thread.sleep(3000); // FileInstall retries each poll: it must not say it again and again
            List<String> lines = p.stderr().lines().filter(l -> l.contains("com.example.unresolvable")).toList();
            assertEquals(1, lines.size(), "one line:\n" + p.stderr());
            assertTrue(lines.get(0).contains("com.example.nobody.exports"), lines.get(0));
            assertTrue(lines.get(0).startsWith("modvm: warning: bundle com.example.unresolvable 1.0.0 "
                    + "(deploy/unresolvable-1.0.0.jar) does not resolve: nothing exports package "
                    + "com.example.nobody.exports [1.0.0,2.0.0)"), lines.get(0));
            assertGuestAndDeviceGoOn(p, c, slot, "a bundle that does not resolve");

            assertEquals(List.of("f1"), deletedEvents(c));
            Map<String, Integer> slots = slotsById(c);
            assertTrue(slots.containsKey("h1") && slots.keySet().stream().noneMatch(id -> List.of("x1", "h2", "r1",
                    "r2", "d1", "9lives", "x2", "f0", "f1").contains(id)), "query-pci: " + slots);
            quit(p, c);
        }
    }

    @Test
    void aJarThatDoesNotResolveInDeployAtStartIsOneWarningAndTheGuestRuns() throws Exception {
        Path modvm = copy(ModvmProcess.home(), dir.resolve("modvm-unresolved"));
        Files.copy(unresolvableBundle(), modvm.resolve("deploy").resolve("unresolvable-1.0.0.jar"));
        try (ModvmProcess p = startWatching(modvm); QmpTestClient c = connect(modvm, p)) {
            await("the unresolved bundle reported", SEEN, () -> p.stderr().contains("com.example.unresolvable"));
            p.awaitOutput("tick 4", SEEN);
            List<String> lines = p.stderr().lines().filter(l -> l.contains("com.example.unresolvable")).toList();
            assertEquals(List.of("modvm: warning: bundle com.example.unresolvable 1.0.0 (deploy/unresolvable-1.0.0.jar)"
                    + " does not resolve: nothing exports package com.example.nobody.exports [1.0.0,2.0.0); it stays"
                    + " installed and does not start"), lines, p.stderr());
            assertEquals("running", ((Map<?, ?>) c.returned("query-status")).get("status"));
            quit(p, c);
        }
    }

    private static long count(String text, String part) {
        return text.lines().filter(l -> l.contains(part)).count();
    }
}

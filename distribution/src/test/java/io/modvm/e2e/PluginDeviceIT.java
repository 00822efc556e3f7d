package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.testguest.TestGuestBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 */
@Timeout(600)
class PluginDeviceIT {
    private static final Duration BUILD = Duration.ofMinutes(5);
    private static final Duration RUN = Duration.ofSeconds(90);
    private static final String API_JAR = "api-0.1.0-SNAPSHOT.jar";

    @TempDir
    static Path dir;
    private static Path home;
    private static Path example;

    /** The checkout's root: the distribution module's parent (failsafe runs in the module's folder). */
    private static Path repoRoot() {
        Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        return module.getParent();
    }

    @BeforeAll
    static void buildExampleIntoCopyOfDistribution() throws Exception {
        example = repoRoot().resolve("examples/hello-device");
        home = distributionWith(build(example, "hello-device-1.0.0.jar"), "modvm");
    }

    /** Builds the device project in {@code project} with Maven, offline, and returns its bundle jar. */
    private static Path build(Path project, String jarName) throws Exception {
        assertTrue(Files.isRegularFile(project.resolve("pom.xml")), "no device project at " + project);
        String pom = project.resolve("pom.xml").toString();
        Result build = mvn("-B", "-o", "-q", "-f", pom, "package");
        if (build.status != 0 && build.output.contains("io.modvm:api")) {
            // A clean machine whose reactor was only verified, never installed: publish the API the distribution
            // ships into the local repository, as a released API would be there, and build again. Not offline:
            // such a machine may not have the install plugin yet.
            Path api = ModvmProcess.home().resolve("bundle").resolve(API_JAR);
            Result install = mvn("-B", "-q", "org.apache.maven.plugins:maven-install-plugin:3.1.2:install-file",
                    "-Dfile=" + api, "-DgroupId=io.modvm", "-DartifactId=api", "-Dversion=0.1.0-SNAPSHOT",
                    "-Dpackaging=jar");
            assertEquals(0, install.status, "installing " + api + " into the local repository:\n" + install.output);
            build = mvn("-B", "-o", "-q", "-f", pom, "package");
        }
        assertEquals(0, build.status, "mvn -f " + pom + " package:\n" + build.output);
        Path jar = project.resolve("target").resolve(jarName);
        assertTrue(Files.isRegularFile(jar), "the build made no " + jar);
        return jar;
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
        Path modvm = distributionWith(build(project, "acme-watchdog-1.0.0.jar"), "modvm-acme");
        ModvmProcess help = runToEnd(modvm, "-device", "help");
        assertTrue(help.stdout().contains("name \"acme-wdt-pci\""), help.stdout());
        String out = runGuest(modvm, project, "acme_wdt_pci", "acme-wdt-pci");
        assertTrue(out.contains("hello: scratch cafef00d"), out);
        assertTrue(out.contains("hello: done"), out);
    }
}

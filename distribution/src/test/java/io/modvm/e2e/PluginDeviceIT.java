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
        assertTrue(Files.isRegularFile(example.resolve("pom.xml")), "no example project at " + example);
        String pom = example.resolve("pom.xml").toString();
        Result build = mvn("-B", "-o", "-q", "-f", pom, "package");
        if (build.status != 0 && build.output.contains("io.modvm:api")) {
            // A clean machine whose reactor was only verified, never installed: publish the API the distribution
            // ships into the local repository, as a released API would be there, and build again.
            Path api = ModvmProcess.home().resolve("bundle").resolve(API_JAR);
            Result install = mvn("-B", "-o", "-q", "org.apache.maven.plugins:maven-install-plugin:3.1.2:install-file",
                    "-Dfile=" + api, "-DgroupId=io.modvm", "-DartifactId=api", "-Dversion=0.1.0-SNAPSHOT",
                    "-Dpackaging=jar");
            assertEquals(0, install.status, "installing " + api + " into the local repository:\n" + install.output);
            build = mvn("-B", "-o", "-q", "-f", pom, "package");
        }
        assertEquals(0, build.status, "mvn -f " + pom + " package:\n" + build.output);
        Path jar = example.resolve("target/hello-device-1.0.0.jar");
        assertTrue(Files.isRegularFile(jar), "the example build made no " + jar);

        home = copy(ModvmProcess.home(), dir.resolve("modvm"));
        Files.copy(jar, home.resolve("bundle").resolve(jar.getFileName()));
    }

    private record Result(int status, String output) {}

    private static Result mvn(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("mvn"));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "mvn", ".log");
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

    private static ModvmProcess runToEnd(String... args) throws Exception {
        ModvmProcess p = ModvmProcess.start(home, java.util.Map.of(), List.of(), args);
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
        ModvmProcess p = runToEnd("-device", "help");
        assertEquals(0, p.exitValue(), p.stderr());
        assertTrue(p.stdout().contains("name \"hello-pci\", desc \"example PCI device"), p.stdout());
    }

    @Test
    void guestFindsTheDeviceAndReadsAndWritesItsRegisters() throws Exception {
        String source = Files.readString(example.resolve("guest/hello_pci.c"));
        Path guest = TestGuestBuilder.build(Path.of("target/guests").toAbsolutePath(), "hello_pci", source);
        ModvmProcess p = runToEnd("-kernel", guest.toString(), "-device", VirtioGuests.DEBUG_EXIT,
                "-device", "hello-pci");
        String out = p.stdout();
        assertEquals(Guests.status(0), p.exitValue(), "guest output:\n" + out + "\nstderr:\n" + p.stderr());
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
}

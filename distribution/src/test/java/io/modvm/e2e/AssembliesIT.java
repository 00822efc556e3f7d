package io.modvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped assemblies (docs/assemblies.md) each boot a tiny guest from their own folder; what an assembly lacks
 * is named with the bundle that provides it; a user's assembly made from one file by one command, as the page
 * says, boots; another bundle set runs without a copy of the launcher.
 */
@Timeout(300)
class AssembliesIT {
    private static final Duration RUN = Duration.ofSeconds(60);
    private static final String DEBUG_EXIT = "isa-debug-exit,iobase=0x501,iosize=2";
    private static final String HELLO = "hello from a modvm test guest at CPL3";

    @TempDir
    Path dir;

    private static Path assembly(String name) {
        return Path.of(System.getProperty("modvm.assemblies", "target/assemblies")).toAbsolutePath().resolve(name);
    }

    /** The jar file names in {@code folder}/bundle. */
    private static List<String> jars(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder.resolve("bundle"))) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void fullBootsATinyGuestThatEndsWithItsExitCode() throws Exception {
        ModvmProcess p = ModvmProcess.runToEnd(RUN, "-nographic", "-kernel", Guests.build("hello").toString(),
                "-append", "code=42", "-device", DEBUG_EXIT);
        assertTrue(p.stdout().contains(HELLO), p.stdout());
        assertEquals(Guests.status(42), p.exitValue(), p.stderr());
    }

    @Test
    void minimalIsKvmAndASerialConsole() throws Exception {
        Path minimal = assembly("minimal");
        List<String> jars = jars(minimal);
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("devices.emulated.serial-")), jars.toString());
        assertFalse(jars.stream().anyMatch(j -> j.startsWith("monitor-") || j.startsWith("devices.emulated.ps2-")
                || j.startsWith("org.apache.felix.fileinstall")), jars.toString());
        try (ModvmProcess p = ModvmProcess.start(minimal, Map.of("MODVM_LOG", "debug"), List.of(), "-nographic",
                "-kernel", Guests.build("hello").toString(), "-append", "code=42")) {
            p.awaitOutput(HELLO, RUN);
            assertTrue(p.stderr().contains("modvm: " + jars.size() + " bundles active"), p.stderr());
        }
    }

    @Test
    void storageBootsAVirtioBlkGuestAndServesQmp() throws Exception {
        Path storage = assembly("storage");
        List<String> jars = jars(storage);
        assertFalse(jars.stream().anyMatch(j -> j.startsWith("virtio.net-") || j.startsWith("devices.emulated.e1000-")),
                jars.toString());
        Path image = DiskImages.patterned(dir.resolve("disk.raw"), 8192);
        Path socket = dir.resolve("qmp.sock");
        try (ModvmProcess p = ModvmProcess.start(storage, Map.of(), List.of(), "-kernel",
                Guests.build("virtio_blk").toString(), "-drive", "file=" + image + ",if=virtio,format=raw",
                "-qmp", "unix:" + socket + ",server,nowait");
                QmpTestClient c = QmpTestClient.connect(socket, p, RUN)) {
            c.negotiate();
            p.awaitOutput("blk: done", RUN);
            assertTrue(p.stdout().contains("blk: read 0..7 status 0 (OK)"), p.stdout());
            Map<String, Object> balloon = c.execute("query-balloon");
            assertEquals("The command query-balloon has not been found: provided by bundle io.modvm.virtio.balloon, "
                    + "which this assembly (storage) does not include",
                    ((Map<?, ?>) balloon.get("error")).get("desc"), balloon.toString());
            assertEquals("unknown command: 'savevm': provided by bundle io.modvm.migration, which this assembly "
                    + "(storage) does not include", c.returned("human-monitor-command",
                            Map.of("command-line", "savevm before")).toString().strip());
            assertEquals("unknown command: 'info balloon': provided by bundle io.modvm.virtio.balloon, which this "
                    + "assembly (storage) does not include", c.returned("human-monitor-command",
                            Map.of("command-line", "info balloon")).toString().strip());
            assertEquals("unknown command: 'frobnicate'", c.returned("human-monitor-command",
                    Map.of("command-line", "frobnicate")).toString().strip());
            c.execute("quit");
            assertEquals(0, p.waitFor(RUN), p.stderr());
        }
    }

    @Test
    void whatAnAssemblyLacksIsNamedWithItsBundleAndATypoWithTheNearestName() throws Exception {
        Path minimal = assembly("minimal");
        String kernel = Guests.build("hello").toString();
        ModvmProcess device = run(minimal, "-kernel", kernel, "-device", "virtio-blk-pci");
        assertEquals(1, device.exitValue(), device.stderr());
        assertEquals("modvm: -device virtio-blk-pci: 'virtio-blk-pci' is provided by bundle io.modvm.virtio.blk, "
                + "which this assembly (minimal) does not include", device.stderr().strip());

        Path image = DiskImages.patterned(dir.resolve("disk.raw"), 64);
        ModvmProcess drive = run(minimal, "-kernel", kernel, "-drive", "file=" + image + ",if=virtio");
        assertEquals(1, drive.exitValue(), drive.stderr());
        assertTrue(drive.stderr().startsWith("modvm: -drive file=" + image + ",if=virtio: "), drive.stderr());
        assertTrue(drive.stderr().contains("is provided by bundle io.modvm.block, which this assembly (minimal) "
                + "does not include"), drive.stderr());
        assertFalse(drive.stderr().contains("-device"), "a flag the user never typed: " + drive.stderr());

        for (String option : List.of("-qmp", "-monitor")) {
            ModvmProcess monitor = run(minimal, "-kernel", kernel, option, "unix:" + dir.resolve("m.sock")
                    + ",server,nowait");
            assertEquals(1, monitor.exitValue(), monitor.stderr());
            assertEquals("modvm: " + option + ": provided by bundle io.modvm.monitor, which this assembly (minimal) "
                    + "does not include", monitor.stderr().strip());
        }

        ModvmProcess typo = run(ModvmProcess.home(), "-kernel", kernel, "-device", "virtio-blk");
        assertEquals(1, typo.exitValue(), typo.stderr());
        assertTrue(typo.stderr().startsWith("modvm: -device virtio-blk: 'virtio-blk' is not a valid device model "
                + "name; did you mean 'virtio-blk-pci'?; known types: "), typo.stderr());
    }

    @Test
    void aMissingInfrastructureBundleIsOneLineNamingThePackageAndItsBundle() throws Exception {
        Path copy = DistributionCopy.copy(assembly("minimal"), dir.resolve("no-cm"));
        String jar = jars(copy).stream().filter(j -> j.startsWith("org.apache.felix.configadmin")).findFirst()
                .orElseThrow();
        Files.delete(copy.resolve("bundle").resolve(jar));
        Path list = copy.resolve("bundles.list");
        Files.write(list, Files.readAllLines(list).stream().filter(l -> !l.endsWith("bundle/" + jar)).toList());
        ModvmProcess p = run(copy, "-version");
        assertEquals(1, p.exitValue(), p.stderr());
        List<String> lines = p.stderr().strip().lines().toList();
        assertEquals(1, lines.size(), p.stderr());
        assertTrue(lines.get(0).startsWith("modvm: package org.osgi.service.cm "), p.stderr());
        assertTrue(lines.get(0).contains(" is missing: bundle org.apache.felix.configadmin exports it, and this "
                + "assembly (minimal) does not include it (needed by "), p.stderr());
    }

    @Test
    void anotherBundleSetRunsWithoutACopyOfTheLauncher() throws Exception {
        String qmp = "unix:" + dir.resolve("m.sock") + ",server,nowait";
        String expected = "modvm: -qmp: provided by bundle io.modvm.monitor, which this assembly (minimal) does "
                + "not include";
        ModvmProcess option = run(ModvmProcess.home(), "--assembly", assembly("minimal").toString(), "-qmp", qmp);
        assertEquals(expected, option.stderr().strip());

        // an assembly folder with no launcher of its own: bin/modvm is a symlink to the installation's
        Path linked = dir.resolve("linked");
        Files.createDirectories(linked.resolve("bin"));
        for (String f : List.of("bundles.list", "assembly.properties", "catalog.list")) {
            Files.copy(assembly("minimal").resolve(f), linked.resolve(f));
        }
        DistributionCopy.copy(assembly("minimal").resolve("bundle"), linked.resolve("bundle"));
        Files.createSymbolicLink(linked.resolve("bin/modvm"), ModvmProcess.home().resolve("bin/modvm"));
        assertFalse(Files.exists(linked.resolve("lib")));
        ModvmProcess symlinked = run(linked, "-qmp", qmp);
        assertEquals(expected, symlinked.stderr().strip());
    }

    /** docs/assemblies.md, "Make your own": its file and its command, then its folder boots a tiny guest. */
    @Test
    void theAssemblyPageMakesAnAssemblyFromOneFileWithOneCommand() throws Exception {
        String page = Files.readString(Path.of("../docs/assemblies.md"));
        String section = page.substring(page.indexOf("## Make your own"));
        String file = block(section, "```properties");
        List<String> commands = block(section, "```sh").lines().toList();
        String name = file.lines().findFirst().orElseThrow().replaceFirst("^# ([^:]+):.*", "$1");
        Files.writeString(dir.resolve(name), file);

        ProcessBuilder assemble = new ProcessBuilder("sh", "-c", commands.get(0)).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("assemble.log").toFile());
        assemble.environment().put("MODVM_HOME", ModvmProcess.home().toString());
        int status = assemble.start().waitFor();
        String log = Files.readString(dir.resolve("assemble.log"));
        assertEquals(0, status, commands.get(0) + ":\n" + log);

        List<String> run = new ArrayList<>(Arrays.asList(commands.get(1).split(" ")));
        Path folder = dir.resolve(run.remove(0)).getParent().getParent();
        assertTrue(jars(folder).stream().anyMatch(j -> j.startsWith("devices.emulated.debug-")), log);
        run.replaceAll(a -> a.equals("hello.elf") ? Guests.build("hello").toString() : a);
        ModvmProcess p;
        try (ModvmProcess q = ModvmProcess.start(folder, Map.of(), List.of(), run.toArray(String[]::new))) {
            q.closeInput();
            q.waitFor(RUN);
            p = q;
        }
        assertTrue(p.stdout().contains(HELLO), p.stdout());
        assertEquals(Guests.status(42), p.exitValue(), p.stderr());
    }

    @Test
    void anIncompleteAssemblyIsRefusedNamingWhatIsMissing() throws Exception {
        Files.writeString(dir.resolve("broken.bndrun"), String.join("\n",
                "-include: ${modvm.home}/assemblies/minimal.bndrun",
                "-runbundles: org.objectweb.asm;startlevel=1, org.apache.aries.spifly.dynamic.bundle;startlevel=2,"
                        + " slf4j.api;startlevel=3, slf4j.simple;startlevel=3, io.modvm.api;startlevel=5,"
                        + " io.modvm.core;startlevel=5"));
        Process p = new ProcessBuilder(ModvmProcess.home().resolve("bin/modvm-assemble").toString(), "broken.bndrun")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        assertEquals(1, p.waitFor());
        String log = Files.readString(dir.resolve("log"));
        assertTrue(log.contains("broken.bndrun: package org.osgi.service.cm "), log);
        assertTrue(log.contains(" is missing: bundle org.apache.felix.configadmin exports it, and this assembly "
                + "(broken) does not include it (needed by io.modvm.core)"), log);
        assertTrue(log.contains("the assembly is incomplete; nothing was written"), log);
        assertFalse(Files.exists(dir.resolve("broken")));
    }

    /** The fenced block that starts with {@code fence} in {@code text}, without its fences. */
    private static String block(String text, String fence) {
        int start = text.indexOf(fence);
        int body = text.indexOf('\n', start) + 1;
        return text.substring(body, text.indexOf("```", body));
    }

    private ModvmProcess run(Path home, String... args) throws Exception {
        ModvmProcess p;
        try (ModvmProcess q = ModvmProcess.start(home, Map.of(), List.of(), args)) {
            q.closeInput();
            q.waitFor(RUN);
            p = q;
        }
        return p;
    }
}

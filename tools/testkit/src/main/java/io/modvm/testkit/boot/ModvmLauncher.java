package io.modvm.testkit.boot;

import io.modvm.testguest.TestGuestBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Starts a real modvm with a plugin and a tiny guest, from a test: a copy of the distribution at {@link ModvmHome}
 * (so that the test's bundles and state never touch it) gets the plugin jars in its {@code bundle/} folder, the
 * guest is built from C source with the test guest kit ({@code io.modvm:testguest}, see its README for the
 * {@code testguest.h} calls), and modvm runs it with {@code -kernel}. The {@link ModvmExtension} hands a launcher to
 * each test method and ends what it started.
 *
 * <pre>{@code
 * try (RunningModvm vm = modvm.plugin(Path.of("target/my-device-1.0.0.jar"))
 *         .guest("my_guest", source).args("-device", "my-device").start()) {
 *     vm.awaitOutput("my_guest: ok", Duration.ofSeconds(60));
 * }
 * }</pre>
 */
public final class ModvmLauncher {
    private static final Duration QMP_WAIT = Duration.ofSeconds(60);

    private final Path home;
    private final Path work;
    private final List<Path> plugins = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<RunningModvm> started = new ArrayList<>();
    private Path kernel;
    private String memory = "64";
    private boolean qmp;
    private int runs;

    /**
     * A launcher of the distribution at {@code home}, working in {@code work} (copies, guests, sockets).
     *
     * @throws IllegalArgumentException if {@code home} is not a modvm distribution
     */
    public ModvmLauncher(Path home, Path work) {
        this.home = ModvmHome.check(home);
        this.work = work;
    }

    /** Adds a bundle jar (the plugin under test, or one it needs) to the distribution's {@code bundle/} folder. */
    public ModvmLauncher plugin(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no plugin jar at " + jar.toAbsolutePath() + "; build it first "
                    + "(mvn package runs the tests after the jar is made only in the integration-test phase)");
        }
        plugins.add(jar.toAbsolutePath());
        return this;
    }

    /** The guest: C source built with the test guest kit under {@code name}; it should include testguest.h. */
    public ModvmLauncher guest(String name, String cSource) {
        this.kernel = TestGuestBuilder.build(work.resolve("guests"), name, cSource);
        return this;
    }

    /** The guest: C source from a class path resource, such as {@code guests/my_guest.c} in src/test/resources. */
    public ModvmLauncher guestFromResource(String resource) {
        this.kernel = TestGuestBuilder.build(work.resolve("guests"), resource);
        return this;
    }

    /** The guest: a kernel (ELF or bzImage) modvm boots with {@code -kernel}. */
    public ModvmLauncher kernel(Path image) {
        this.kernel = image.toAbsolutePath();
        return this;
    }

    /** Guest RAM, as {@code -m} takes it; 64 (MiB) by default. */
    public ModvmLauncher memory(String size) {
        this.memory = size;
        return this;
    }

    /** Starts modvm with a QMP socket, for {@link RunningModvm#qmp()}. */
    public ModvmLauncher withQmp() {
        this.qmp = true;
        return this;
    }

    /** More of modvm's command line, such as {@code "-device", "my-device,id=d0"}. */
    public ModvmLauncher args(String... more) {
        args.addAll(List.of(more));
        return this;
    }

    /** An environment variable for modvm, such as {@code MODVM_LOG=info}. */
    public ModvmLauncher env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Starts modvm; once with QMP, when it answers on its socket. */
    public RunningModvm start() throws IOException, InterruptedException {
        if (kernel == null) {
            throw new IllegalStateException("no guest: call guest(), guestFromResource() or kernel() first");
        }
        Path copy = copyOfHome(work.resolve("modvm-" + ++runs));
        List<String> command = new ArrayList<>(List.of(copy.resolve("bin/modvm").toString(), "-kernel",
                kernel.toString(), "-m", memory));
        Path socket = copy.resolve("qmp.sock");
        if (qmp) {
            command.addAll(List.of("-qmp", "unix:" + socket + ",server,nowait"));
        }
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
        pb.environment().putAll(env);
        RunningModvm vm = new RunningModvm(pb.start());
        started.add(vm);
        if (qmp) {
            vm.connectQmp(socket, QMP_WAIT);
        }
        return vm;
    }

    /** Ends every modvm this launcher started that still runs. */
    void closeAll() throws IOException, InterruptedException {
        for (RunningModvm vm : started) {
            vm.close();
        }
        started.clear();
    }

    private Path copyOfHome(Path to) throws IOException {
        try (Stream<Path> files = Files.walk(home)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(home.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (!source.getFileName().toString().endsWith(".sock")) {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        for (Path jar : plugins) {
            Files.copy(jar, to.resolve("bundle").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        return to;
    }
}

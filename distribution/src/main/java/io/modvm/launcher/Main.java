package io.modvm.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Starts modvm: embeds Felix, installs and starts the bundles of an assembly ({@link BundlePlan}: MODVM_HOME's
 * own, or the one {@code --assembly DIR} or MODVM_ASSEMBLY names) at its start levels, offers the core an
 * exit service ({@code IntConsumer}, {@code modvm.role=exit}) and leaves the JVM with the status the core passes
 * to it. The core's command-line component reads the arguments from the framework property {@code modvm.args}.
 */
public final class Main {
    /** How long the core may take to register its command-line component ({@code modvm.role=cli}). */
    static final long CLI_TIMEOUT_SECONDS = 30;

    private Main() {}

    public static void main(String[] args) {
        int status;
        try {
            status = run(args);
        } catch (Throwable e) {
            System.err.println("modvm: " + Messages.oneLine(e));
            status = 1;
        }
        // Felix's threads are not daemons: leave explicitly, whatever happened.
        System.exit(status);
    }

    private static void mark(StartupTimeline timeline, String what) {
        if (timeline != null) {
            timeline.mark(what);
        }
    }

    static int run(String[] args) throws Exception {
        long started = System.nanoTime();
        Path home = LaunchConfig.modvmHome();
        LogSettings log = LogSettings.fromEnvironment();
        log.applySystemProperties();
        StartupTimeline timeline = log.isDebug() ? new StartupTimeline(started) : null;

        LaunchConfig.Selected selected = LaunchConfig.selectAssembly(home, args, System.getenv("MODVM_ASSEMBLY"));
        Path assembly = selected.folder();
        List<BundlePlan.Entry> plan = BundlePlan.load(assembly);
        AssemblySettings settings = AssemblySettings.load(assembly);
        FrameworkStorage storage = FrameworkStorage.acquire(LaunchConfig.frameworkCache(), assembly, plan,
                LaunchConfig.launcherJars(home));
        boolean clean = storage.needsClean();
        if (clean) {
            storage.markChanged();
        }
        Map<String, String> properties = LaunchConfig.frameworkProperties(home, assembly, settings,
                storage.folder(), clean, selected.args(), log);
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework in " + home.resolve("lib")));
        Framework framework = factory.newFramework(properties);
        mark(timeline, "framework created (storage " + (clean ? "made anew" : "reused") + ")");
        FrameworkStopper stopper = new FrameworkStopper(framework, storage);
        stopper.installShutdownHook();
        try {
            framework.init();
            BundleContext system = framework.getBundleContext();
            mark(timeline, "framework initialised");
            if (timeline != null) {
                system.addBundleListener(timeline);
                system.addFrameworkListener(timeline);
            }
            UnresolvedDeployBundles unresolved = new UnresolvedDeployBundles(system,
                    assembly.resolve(LaunchConfig.DEPLOY_DIR), log);
            StartupErrors errors = new StartupErrors(log, b -> unresolved.fileIn(b.getLocation()) != null);
            system.addFrameworkListener(errors);
            system.addBundleListener(unresolved);
            CompletableFuture<Void> cli = Services.appears(system, "(modvm.role=cli)");

            List<Bundle> bundles = BundleStarter.installAndMark(system, plan);
            mark(timeline, plan.size() + " bundles installed");
            framework.start(); // raises the start level to the beginning level: starts the bundles level by level
            mark(timeline, "framework started: every start level done");

            // a missing bundle leaves every bundle that needs it unresolved: name the missing thing once
            List<String> missing = bundles.stream().noneMatch(b -> b.getState() == Bundle.INSTALLED) ? List.of()
                    : MissingRequirements.lines(bundles, framework.adapt(FrameworkWiring.class),
                            Catalog.load(assembly), settings.name());
            List<String> failures = new ArrayList<>(missing);
            failures.addAll(BundleStarter.failures(missing.isEmpty() ? bundles
                    : bundles.stream().filter(b -> b.getState() != Bundle.INSTALLED).toList(), errors));
            if (!failures.isEmpty()) {
                failures.forEach(line -> System.err.println("modvm: " + line));
                return 1;
            }
            errors.startupDone(bundles);
            storage.markComplete();
            system.addBundleListener(new StorageChanges(storage, assembly.resolve(LaunchConfig.DEPLOY_DIR)));
            if (log.isDebug()) {
                System.err.printf("modvm: %d bundles active %d ms after main() (framework storage %s, %s)%n",
                        plan.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), storage.folder(),
                        clean ? "made anew" : "reused");
            }

            ExitSignal exit = new ExitSignal();
            Hashtable<String, Object> exitProperties = new Hashtable<>();
            exitProperties.put("modvm.role", "exit");
            system.registerService(IntConsumer.class, exit, exitProperties);
            stopper.whenStoppedElsewhere(() -> exit.accept(0));

            try {
                CompletableFuture.anyOf(cli, exit.status()).get(CLI_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                System.err.println("modvm: the core did not start (no command-line component);"
                        + " run with MODVM_LOG=debug to see why");
                return 1;
            }
            if (timeline != null) {
                timeline.mark("the core's command-line component is up: the machine starts");
                system.removeBundleListener(timeline);
                system.removeFrameworkListener(timeline);
                timeline.lines().forEach(line -> System.err.println("modvm: start-up " + line));
            }
            try {
                return exit.status().get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(Messages.oneLine(e.getCause()), e.getCause());
            }
        } finally {
            stopper.stop();
        }
    }
}

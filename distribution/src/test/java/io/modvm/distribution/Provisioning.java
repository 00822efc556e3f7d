package io.modvm.distribution;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.modvm.launcher.BundlePlan;
import org.ops4j.pax.exam.Option;

/**
 * The Pax Exam container for the distribution tests, built in the test JVM (never inside the framework): the
 * third-party bundles of the assembled {@code target/modvm/bundle}, the modvm bundles by file URL from the
 * reactor (maven-dependency-plugin's {@code properties} goal, passed by failsafe), each at the start level the
 * full assembly gives it (its bundles.list).
 */
final class Provisioning {
    /** The modvm bundles the distribution ships; failsafe passes each one's jar as {@code modvm.bundle.<bsn>}. */
    static final List<String> MODVM_BUNDLES =
            List.of("io.modvm.api", "io.modvm.core", "io.modvm.accel.kvm", "io.modvm.devices.emulated.serial",
                    "io.modvm.devices.emulated.ps2", "io.modvm.devices.emulated.rtc", "io.modvm.devices.emulated.acpipm",
                    "io.modvm.devices.emulated.debug", "io.modvm.devices.emulated.e1000",
                    "io.modvm.devices.emulated.ide",
                    "io.modvm.monitor", "io.modvm.block", "io.modvm.virtio.core", "io.modvm.virtio.blk",
                    "io.modvm.virtio.console", "io.modvm.virtio.rng", "io.modvm.virtio.balloon",
                    "io.modvm.net.tap", "io.modvm.net.user", "io.modvm.virtio.net");

    private Provisioning() {}

    static Option[] options() throws IOException {
        strictlyLocalMavenResolution();
        List<Option> options = new ArrayList<>();
        Path home = Path.of(required("modvm.home"));
        List<BundlePlan.Entry> plan = BundlePlan.load(home);
        int loggingLevel = BundlePlan.startLevel(plan, "slf4j.simple");
        for (BundlePlan.Entry jar : plan) {
            if (MODVM_BUNDLES.contains(jar.symbolicName())) {
                continue; // provisioned from the reactor below
            }
            options.add(bundle(jar.jar().toUri().toString())
                    .startLevel(containerLevel(jar.startLevel(), loggingLevel)).start(!jar.fragment()));
        }
        for (String bsn : MODVM_BUNDLES) {
            File jar = new File(required("modvm.bundle." + bsn));
            if (!jar.isFile()) {
                throw new IllegalStateException("no jar for " + bsn + " at " + jar + " (is it built?)");
            }
            options.add(bundle(jar.toURI().toString()).startLevel(BundlePlan.startLevel(plan, bsn)).start());
        }
        options.add(junitBundles());
        options.add(frameworkStartLevel(BundlePlan.beginningLevel(home)));
        // as the launcher does: class path classes must not leak into bundles (SLF4J provider check)
        options.add(frameworkProperty("felix.bootdelegation.implicit").value("false"));
        options.add(frameworkProperty("gosh.args").value("--nointeractive --noshutdown"));
        options.add(systemProperty("jna.nosys").value("false"));
        options.add(systemProperty("org.slf4j.simpleLogger.defaultLogLevel").value("warn"));
        options.add(cleanCaches());
        return options.toArray(new Option[0]);
    }

    /**
     * Pax Exam starts its own bundles, which log through SLF4J, at level 2: what SLF4J needs (ASM, SPI Fly, the
     * API and its provider) starts before them, at level 1, in the launcher's order (within a level, by install
     * order). Otherwise SLF4J falls back to NOP for the framework's life (docs/osgi.md, OSGi pitfalls 2 and 3).
     */
    static int containerLevel(int launcherLevel, int loggingLevel) {
        return launcherLevel <= loggingLevel ? 1 : launcherLevel;
    }

    /**
     * docs/osgi.md, OSGi pitfall 4: Pax Exam's own bundles come from the local repository only, never from a network.
     * Failsafe sets the other pax-url properties; an empty value is set here, where it cannot get lost.
     */
    private static void strictlyLocalMavenResolution() {
        required("org.ops4j.pax.url.mvn.localRepository");
        System.setProperty("org.ops4j.pax.url.mvn.repositories", "");
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isEmpty() || value.startsWith("${")) {
            throw new IllegalStateException("system property " + property + " is not set; run the tests with"
                    + " `mvn verify` in distribution/");
        }
        return value;
    }
}

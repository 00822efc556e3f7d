package io.modvm.launcher.assemble;

import io.modvm.launcher.Catalog;
import io.modvm.launcher.MissingRequirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Resolves an assembly's bundles in a framework of the same kind modvm runs in (Felix, nothing started): the OSGi
 * resolver itself checks every Import-Package, Require-Bundle and Require-Capability against the set. What no
 * bundle of the set satisfies comes back as one line per missing thing, naming the catalog's bundle for it.
 */
final class ResolutionCheck {
    private ResolutionCheck() {}

    static List<String> missing(List<Path> jars, Catalog catalog, String assembly) throws IOException, BundleException {
        Path storage = Files.createTempDirectory("modvm-assemble-");
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        Framework framework = factory.newFramework(Map.of("org.osgi.framework.storage", storage.toString(),
                "org.osgi.framework.storage.clean", "onFirstInit", "felix.bootdelegation.implicit", "false",
                "felix.log.level", "0"));
        try {
            framework.init();
            List<Bundle> bundles = new ArrayList<>();
            for (Path jar : jars) {
                bundles.add(framework.getBundleContext().installBundle("reference:" + jar.toUri()));
            }
            FrameworkWiring wiring = framework.adapt(FrameworkWiring.class);
            wiring.resolveBundles(bundles);
            return MissingRequirements.lines(bundles, wiring, catalog, assembly);
        } finally {
            framework.stop();
            try {
                framework.waitForStop(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try (Stream<Path> files = Files.walk(storage)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}

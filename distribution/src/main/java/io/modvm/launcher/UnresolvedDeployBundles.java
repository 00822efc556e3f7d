package io.modvm.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;

/**
 * A bundle of the watched folder (deploy/) that does not resolve gets one warning on stderr, naming the bundle and
 * what nothing provides: {@code modvm: warning: bundle B V (deploy/F) does not resolve: nothing exports package
 * P [1.0.0,2.0.0); it stays installed and does not start}. FileInstall only reports a failed start at its warning
 * level, as a stack trace, and Felix does not report it at all. The check runs a few seconds after the bundle is
 * installed or updated, once FileInstall has tried to start it, and only if it is still unresolved then; each
 * version of a jar is reported once. modvm and the guest go on.
 */
final class UnresolvedDeployBundles implements BundleListener {
    /** FileInstall polls each second: by then it has installed, refreshed and tried to start the bundle. */
    static final long DELAY_MILLIS = 2500;
    private static final Pattern PACKAGE = Pattern.compile("\\(osgi\\.wiring\\.package=([^)]+)\\)");
    private static final Pattern FLOOR = Pattern.compile("\\(version>=([^)]+)\\)");
    private static final Pattern CEILING = Pattern.compile("\\(!\\(version>=([^)]+)\\)\\)");

    private final BundleContext system;
    private final Path deploy;
    private final LogSettings log;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "modvm-deploy-check");
        t.setDaemon(true);
        return t;
    });

    UnresolvedDeployBundles(BundleContext system, Path deploy, LogSettings log) {
        this.system = system;
        this.deploy = deploy.toAbsolutePath().normalize();
        this.log = log;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() != BundleEvent.INSTALLED && event.getType() != BundleEvent.UPDATED) {
            return;
        }
        Bundle bundle = event.getBundle();
        if (fileIn(bundle.getLocation()) == null) {
            return;
        }
        timer.schedule(() -> check(bundle), DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The file name of a bundle installed from the watched folder, or null for any other bundle. */
    String fileIn(String location) {
        String path = location;
        for (String prefix : List.of("reference:", "file:")) {
            if (path.startsWith(prefix)) {
                path = path.substring(prefix.length());
            }
        }
        try {
            Path file = Path.of(path).toAbsolutePath().normalize();
            return deploy.equals(file.getParent()) ? file.getFileName().toString() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void check(Bundle bundle) {
        try {
            if (bundle.getState() != Bundle.INSTALLED || !log.shows("warn")) {
                return;
            }
            String key = bundle.getBundleId() + "@" + bundle.getLastModified();
            if (!reported.add(key)) {
                return;
            }
            System.err.println("modvm: warning: " + describe(bundle));
        } catch (RuntimeException e) {
            // the bundle went meanwhile
        }
    }

    /** {@code bundle B V (deploy/F) does not resolve: nothing ...; it stays installed and does not start}. */
    String describe(Bundle bundle) {
        String name = bundle.getSymbolicName() + " " + bundle.getVersion() + " (deploy/"
                + fileIn(bundle.getLocation()) + ")";
        List<String> missing = new ArrayList<>();
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        FrameworkWiring wiring = system.getBundle(0).adapt(FrameworkWiring.class);
        if (revision != null && wiring != null) {
            for (Requirement r : revision.getRequirements(null)) {
                String effective = r.getDirectives().get(Namespace.REQUIREMENT_EFFECTIVE_DIRECTIVE);
                boolean optional = Namespace.RESOLUTION_OPTIONAL.equals(
                        r.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE));
                if (optional || effective != null && !effective.equals(Namespace.EFFECTIVE_RESOLVE)) {
                    continue;
                }
                if (wiring.findProviders(r).isEmpty()) {
                    missing.add(requirement(r));
                }
            }
        }
        String why = missing.isEmpty() ? "it does not resolve (run with MODVM_LOG=debug to see why)"
                : "nothing " + String.join(", nothing ", missing);
        return "bundle " + name + " does not resolve: " + why + "; it stays installed and does not start";
    }

    /** {@code exports package P [1.0.0,2.0.0)}, or the namespace and filter of any other requirement. */
    static String requirement(Requirement r) {
        String filter = r.getDirectives().getOrDefault(Namespace.REQUIREMENT_FILTER_DIRECTIVE, "");
        Matcher p = PACKAGE.matcher(filter);
        if (r.getNamespace().equals("osgi.wiring.package") && p.find()) {
            Matcher floor = FLOOR.matcher(filter);
            Matcher ceiling = CEILING.matcher(filter);
            String range = "";
            if (floor.find()) {
                range = ceiling.find() ? " [" + floor.group(1) + "," + ceiling.group(1) + ")" : " >= " + floor.group(1);
            }
            return "exports package " + p.group(1) + range;
        }
        return "provides " + r.getNamespace() + " " + filter;
    }
}

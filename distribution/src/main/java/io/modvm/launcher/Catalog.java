package io.modvm.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;

/**
 * The build's catalog of what every modvm bundle and every bundle it ships provides ({@code catalog.list}: lines
 * {@code KIND NAME BUNDLE}), read to name the bundle that would satisfy a requirement nothing in this assembly
 * satisfies. An empty catalog (none written) names no bundle.
 */
public final class Catalog {
    /** The catalog's file name in an assembly folder. */
    public static final String FILE = "catalog.list";
    private static final Pattern PACKAGE = Pattern.compile("\\(osgi\\.wiring\\.package=([^)]+)\\)");

    private final Map<String, String> providers;
    private final Set<String> bundles;

    Catalog(Map<String, String> providers) {
        this.providers = Map.copyOf(providers);
        this.bundles = Set.copyOf(providers.values());
    }

    /** The catalog in {@code folder}, or an empty one if it has none. */
    public static Catalog load(Path folder) throws IOException {
        Path file = folder.resolve(FILE);
        return Files.isRegularFile(file) ? parse(Files.readAllLines(file)) : new Catalog(Map.of());
    }

    public static Catalog parse(List<String> lines) {
        Map<String, String> providers = new HashMap<>();
        for (String line : lines) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length == 3 && !parts[0].startsWith("#")) {
                providers.putIfAbsent(parts[0] + " " + parts[1], parts[2]);
            }
        }
        return new Catalog(providers);
    }

    /** The bundle that provides {@code name} of {@code kind} ({@code package}, {@code device}, ...), or null. */
    public String provider(String kind, String name) {
        return providers.get(kind + " " + name);
    }

    /** The bundle that would satisfy {@code r} (a package import or a capability such as osgi.extender), or null. */
    String provider(Requirement r) {
        String filter = r.getDirectives().getOrDefault(Namespace.REQUIREMENT_FILTER_DIRECTIVE, "");
        if (r.getNamespace().equals("osgi.wiring.package")) {
            Matcher p = PACKAGE.matcher(filter);
            return p.find() ? provider("package", p.group(1)) : null;
        }
        Matcher value = Pattern.compile("\\(" + Pattern.quote(r.getNamespace()) + "=([^)]+)\\)").matcher(filter);
        if (!value.find()) {
            return null;
        }
        if (r.getNamespace().equals("osgi.wiring.bundle") || r.getNamespace().equals("osgi.identity")) {
            return bundles.contains(value.group(1)) ? value.group(1) : null; // Require-Bundle: the bundle itself
        }
        return provider("capability", r.getNamespace() + "=" + value.group(1));
    }
}

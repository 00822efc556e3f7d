package io.modvm.launcher;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;

/**
 * Why bundles do not resolve, told once per missing thing instead of once per bundle: the requirements that no
 * installed bundle can satisfy (a missing Config Admin leaves a dozen bundles unresolved; the cause is one
 * package), each with the bundle of the catalog that provides it. Requirements that an installed but unresolved
 * bundle could satisfy are consequences, not causes, and are left out.
 */
public final class MissingRequirements {
    private MissingRequirements() {}

    /**
     * One line per missing requirement: {@code package P [1.0,2.0) is missing: bundle B exports it, and this assembly
     * (A) does not include it (needed by C, D)}, or {@code ...: no bundle in the catalog provides it}.
     */
    public static List<String> lines(Collection<Bundle> bundles, FrameworkWiring wiring, Catalog catalog, String assembly) {
        Map<String, List<String>> neededBy = new LinkedHashMap<>();
        Map<String, String> providers = new LinkedHashMap<>();
        for (Bundle bundle : bundles) {
            BundleRevision revision = bundle.adapt(BundleRevision.class);
            if (revision == null || bundle.getState() != Bundle.INSTALLED) {
                continue;
            }
            for (Requirement r : revision.getRequirements(null)) {
                String effective = r.getDirectives().get(Namespace.REQUIREMENT_EFFECTIVE_DIRECTIVE);
                boolean optional = Namespace.RESOLUTION_OPTIONAL.equals(
                        r.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE));
                if (optional || effective != null && !effective.equals(Namespace.EFFECTIVE_RESOLVE)
                        || !wiring.findProviders(r).isEmpty()) {
                    continue;
                }
                String what = UnresolvedDeployBundles.requirement(r).replaceFirst("^exports package ", "package ")
                        .replaceFirst("^provides ", "capability ");
                neededBy.computeIfAbsent(what, k -> new ArrayList<>()).add(bundle.getSymbolicName());
                providers.putIfAbsent(what, catalog.provider(r));
            }
        }
        List<String> installed = bundles.stream().map(Bundle::getSymbolicName).toList();
        List<String> lines = new ArrayList<>();
        neededBy.forEach((what, users) -> {
            String provider = providers.get(what);
            String verb = what.startsWith("package ") ? "exports" : "provides";
            String fix = provider == null ? "no bundle in the catalog provides it"
                    : installed.contains(provider) ? "bundle " + provider + " " + verb + " it, but not in that "
                            + "version; build the bundles against the API this assembly has"
                    : "bundle " + provider + " " + verb + " it, and this assembly (" + assembly
                            + ") does not include it";
            lines.add(what + " is missing: " + fix + " (needed by " + String.join(", ", users) + ")");
        });
        return lines;
    }
}

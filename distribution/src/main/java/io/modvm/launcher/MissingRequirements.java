package io.modvm.launcher;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
     * One line per bundle the assembly lacks, with what it would provide and who needs it: {@code package P
     * [1.0,2.0) is missing: bundle B exports it, and this assembly (A) does not include it (needed by C, D)}; two
     * things of one bundle share a line ({@code X and Y are missing: bundle B provides them, ...}). A requirement
     * no catalog bundle satisfies gets a line of its own.
     */
    public static List<String> lines(Collection<Bundle> bundles, FrameworkWiring wiring, Catalog catalog, String assembly) {
        Map<String, Set<String>> whatByProvider = new LinkedHashMap<>();
        Map<String, Set<String>> neededBy = new LinkedHashMap<>();
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
                String provider = catalog.provider(r);
                String key = provider != null ? provider : "?" + what;
                whatByProvider.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(what);
                neededBy.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(bundle.getSymbolicName());
            }
        }
        Set<String> installed = new HashSet<>();
        bundles.forEach(b -> installed.add(b.getSymbolicName()));
        List<String> lines = new ArrayList<>();
        whatByProvider.forEach((key, whats) -> {
            boolean one = whats.size() == 1;
            String what = String.join(" and ", whats) + (one ? " is" : " are") + " missing: ";
            String verb = one && what.startsWith("package ") ? "exports" : "provides";
            String it = one ? "it" : "them";
            String fix = key.startsWith("?") ? "no bundle in the catalog provides it"
                    : installed.contains(key) ? "bundle " + key + " " + verb + " " + it + ", but not in that version; "
                            + "build the bundles against the API this assembly has"
                    : "bundle " + key + " " + verb + " " + it + ", and this assembly (" + assembly
                            + ") does not include it";
            lines.add(what + fix + " (needed by " + String.join(", ", neededBy.get(key)) + ")");
        });
        return lines;
    }
}

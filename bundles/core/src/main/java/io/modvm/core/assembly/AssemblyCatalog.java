package io.modvm.core.assembly;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the build's catalog says about names this assembly lacks: the catalog ({@code catalog.list} in the assembly
 * folder, framework property {@value #DIR_PROPERTY}) lists what every modvm bundle provides, one
 * {@code KIND NAME BUNDLE} a line; a name whose bundle is not installed gets one line naming that bundle, a name
 * no bundle provides gets the nearest known name (a typo). Without a catalog (a framework not started by the
 * launcher) it names no bundle.
 */
public final class AssemblyCatalog {
    /** Framework property: the assembly's folder. */
    public static final String DIR_PROPERTY = "modvm.assembly.dir";
    /** Framework property: the assembly's name. */
    public static final String NAME_PROPERTY = "modvm.assembly";
    static final String FILE = "catalog.list";

    private final Map<String, String> providers;
    private final Predicate<String> installed;
    private final String assembly;

    public AssemblyCatalog(Map<String, String> providers, Predicate<String> installed, String assembly) {
        this.providers = Map.copyOf(providers);
        this.installed = installed;
        this.assembly = assembly == null ? "this one" : assembly;
    }

    /** A catalog that knows nothing: every unknown name is treated as a typo. */
    public static AssemblyCatalog empty() {
        return new AssemblyCatalog(Map.of(), bsn -> true, null);
    }

    /**
     * The catalog of the assembly in folder {@code dir} (null: none), with {@code installed} telling whether a
     * bundle of that symbolic name is installed now.
     */
    public static AssemblyCatalog load(String dir, String name, Predicate<String> installed) {
        if (dir == null) {
            return empty();
        }
        Path file = Path.of(dir).resolve(FILE);
        Map<String, String> providers = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String[] parts = line.strip().split("\\s+");
                if (parts.length == 3 && !parts[0].startsWith("#")) {
                    providers.putIfAbsent(parts[0] + " " + parts[1], parts[2]);
                }
            }
        } catch (IOException e) {
            return empty();
        }
        return new AssemblyCatalog(providers, installed, name);
    }

    /**
     * {@code provided by bundle B, which this assembly (A) does not include} when the catalog names a bundle for
     * {@code name} of {@code kind} ({@code device}, {@code backend} as {@code KIND:TYPE}, {@code option},
     * {@code command}, {@code transport}) and that bundle is not installed; otherwise null.
     */
    public String absent(String kind, String name) {
        String bundle = providers.get(kind + " " + name);
        if (bundle == null || installed.test(bundle)) {
            return null;
        }
        return "provided by bundle " + bundle + ", which this assembly (" + assembly + ") does not include";
    }

    /** The known name nearest to {@code typed} (at most a third of its letters off, at least one), or null. */
    public static String nearest(String typed, List<String> known) {
        String best = null;
        int bestDistance = Math.max(1, typed.length() / 3) + 1;
        for (String k : known) {
            int d = distance(typed, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance; a name that starts the known one (virtio-blk for virtio-blk-pci) counts as 1. */
    static int distance(String a, String b) {
        if (b.startsWith(a) || a.startsWith(b)) {
            return a.equals(b) ? 0 : 1;
        }
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}

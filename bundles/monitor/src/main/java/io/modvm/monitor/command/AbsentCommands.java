package io.modvm.monitor.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The monitor commands of bundles this assembly lacks, from the catalog the build writes into the assembly folder
 * ({@code catalog.list}: lines {@code command NAME BUNDLE} for QMP names, {@code hmp NAME BUNDLE} for HMP spellings
 * with {@code +} for a space, as in {@code info+balloon}): an unknown command that one of them provides is named with
 * its bundle instead of being just unknown.
 */
public final class AbsentCommands {
    private final Map<String, String> bundles;
    private final Map<String, String> hmpBundles;
    private final Predicate<String> installed;
    private final String assembly;

    AbsentCommands(Map<String, String> bundles, Map<String, String> hmpBundles, Predicate<String> installed,
            String assembly) {
        this.bundles = Map.copyOf(bundles);
        this.hmpBundles = Map.copyOf(hmpBundles);
        this.installed = installed;
        this.assembly = assembly;
    }

    /** None known: every unknown command is just unknown. */
    public static AbsentCommands none() {
        return new AbsentCommands(Map.of(), Map.of(), b -> true, "");
    }

    /** The catalog of the assembly folder {@code dir} (null: none), {@code installed} telling which bundles are. */
    public static AbsentCommands load(String dir, String assembly, Predicate<String> installed) {
        if (dir == null) {
            return none();
        }
        Map<String, String> bundles = new HashMap<>();
        Map<String, String> hmpBundles = new HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of(dir, "catalog.list"))) {
                String[] parts = line.strip().split("\\s+");
                if (parts.length == 3 && parts[0].equals("command")) {
                    bundles.putIfAbsent(parts[1], parts[2]);
                } else if (parts.length == 3 && parts[0].equals("hmp")) {
                    hmpBundles.putIfAbsent(parts[1].replace('+', ' '), parts[2]);
                }
            }
        } catch (IOException e) {
            return none();
        }
        return new AbsentCommands(bundles, hmpBundles, installed, assembly);
    }

    /** For QMP command {@code command}: {@code provided by bundle B, which this assembly (A) does not include}, or null. */
    public String why(String command) {
        return reason(bundles.get(command));
    }

    /** The same for the HMP spelling {@code hmpName} ({@code savevm}, {@code info balloon}), or null. */
    public String whyHmp(String hmpName) {
        return reason(hmpBundles.get(hmpName));
    }

    private String reason(String bundle) {
        return bundle == null || installed.test(bundle) ? null
                : "provided by bundle " + bundle + ", which this assembly (" + assembly + ") does not include";
    }
}

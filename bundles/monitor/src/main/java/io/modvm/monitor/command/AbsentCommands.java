package io.modvm.monitor.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The QMP commands of bundles this assembly lacks, from the catalog the build writes into the assembly folder
 * ({@code catalog.list}, lines {@code command NAME BUNDLE}): an unknown command that one of them provides is named
 * with its bundle instead of being just unknown.
 */
public final class AbsentCommands {
    private final Map<String, String> bundles;
    private final Predicate<String> installed;
    private final String assembly;

    AbsentCommands(Map<String, String> bundles, Predicate<String> installed, String assembly) {
        this.bundles = Map.copyOf(bundles);
        this.installed = installed;
        this.assembly = assembly;
    }

    /** None known: every unknown command is just unknown. */
    public static AbsentCommands none() {
        return new AbsentCommands(Map.of(), b -> true, "");
    }

    /** The catalog of the assembly folder {@code dir} (null: none), {@code installed} telling which bundles are. */
    public static AbsentCommands load(String dir, String assembly, Predicate<String> installed) {
        if (dir == null) {
            return none();
        }
        Map<String, String> bundles = new HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of(dir, "catalog.list"))) {
                String[] parts = line.strip().split("\\s+");
                if (parts.length == 3 && parts[0].equals("command")) {
                    bundles.putIfAbsent(parts[1], parts[2]);
                }
            }
        } catch (IOException e) {
            return none();
        }
        return new AbsentCommands(bundles, installed, assembly);
    }

    /** {@code provided by bundle B, which this assembly (A) does not include}, or null. */
    public String why(String command) {
        String bundle = bundles.get(command);
        return bundle == null || installed.test(bundle) ? null
                : "provided by bundle " + bundle + ", which this assembly (" + assembly + ") does not include";
    }
}

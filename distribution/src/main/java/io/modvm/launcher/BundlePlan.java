package io.modvm.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Which bundles to install, in which order and at which start level: an assembly's {@value #LIST}, one bundle a
 * line ({@code LEVEL PATH}, the path relative to the assembly's folder), as {@code modvm-assemble} writes it from
 * the assembly's {@code .bndrun} file, and any other jar of its {@code bundle/} folder. The levels are the
 * assembly's; no name decides a level here. Public for the
 * distribution's Pax Exam tests, which provision the container the same way.
 */
public final class BundlePlan {
    /** The bundle list of an assembly folder. */
    public static final String LIST = "bundles.list";
    /** The assembly's folder of jars. */
    static final String BUNDLE_DIR = "bundle";

    /** One bundle jar: its symbolic name, whether it is a fragment (never started) and its start level. */
    public record Entry(Path jar, String symbolicName, boolean fragment, int startLevel) {}

    /** Orders by start level, then by symbolic name, which is also the order of install and of start. */
    static final Comparator<Entry> ORDER =
            Comparator.comparingInt(Entry::startLevel).thenComparing(Entry::symbolicName);

    private BundlePlan() {}

    /** The bundles of the assembly in {@code folder}, from its {@value #LIST}, in install order. */
    public static List<Entry> load(Path folder) throws IOException {
        Path list = folder.resolve(LIST);
        if (!Files.isRegularFile(list)) {
            throw new NoSuchFileException(list + ": not an assembly folder (no " + LIST
                    + "); make one with bin/modvm-assemble FILE.bndrun");
        }
        List<Entry> entries = new ArrayList<>();
        int number = 0;
        for (String line : Files.readAllLines(list)) {
            number++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] parts = text.split("\\s+", 2);
            int level;
            try {
                level = Integer.parseInt(parts[0]);
            } catch (NumberFormatException e) {
                level = 0;
            }
            if (parts.length < 2 || level < 1) {
                throw new IOException(list + " line " + number + ": expected START-LEVEL JAR-PATH, not '" + text + "'");
            }
            Path jar = folder.resolve(parts[1]).normalize();
            if (!Files.isRegularFile(jar)) {
                throw new NoSuchFileException(list + " line " + number + " names " + parts[1]
                        + ", which is missing; put the jar back or remove its line");
            }
            entries.add(read(jar, level));
        }
        entries.addAll(unlisted(folder, entries));
        entries.sort(ORDER);
        return entries;
    }

    /**
     * The jars of {@code bundle/} that the list does not name (a plugin copied in by hand), at the assembly's level
     * for such bundles ({@code extra.level} of assembly.properties: its bundles' last level before the beginning
     * level, where modvm's own bundles start), so that a plugin's device types are there when the machine starts.
     */
    private static List<Entry> unlisted(Path folder, List<Entry> listed) throws IOException {
        Path bundles = folder.resolve(BUNDLE_DIR);
        List<Entry> extra = new ArrayList<>();
        if (!Files.isDirectory(bundles)) {
            return extra;
        }
        Set<Path> known = new HashSet<>();
        listed.forEach(e -> known.add(e.jar()));
        int level = -1;
        try (Stream<Path> jars = Files.list(bundles)) {
            for (Path jar : (Iterable<Path>) jars.filter(p -> p.toString().endsWith(".jar")).sorted()::iterator) {
                if (!known.contains(jar.normalize())) {
                    if (level < 0) {
                        level = AssemblySettings.load(folder).extraLevel();
                    }
                    extra.add(read(jar.normalize(), level));
                }
            }
        }
        return extra;
    }

    /** The start level the plan gives the bundle {@code symbolicName}. */
    public static int startLevel(List<Entry> plan, String symbolicName) {
        return plan.stream().filter(e -> e.symbolicName().equals(symbolicName)).mapToInt(Entry::startLevel)
                .findFirst().orElseThrow(() -> new IllegalArgumentException(symbolicName + " is not in the plan"));
    }

    /** The start level the framework of the assembly in {@code folder} rises to. */
    public static int beginningLevel(Path folder) throws IOException {
        return AssemblySettings.load(folder).beginningLevel();
    }

    /** The entry for {@code jar} at {@code level}, from its manifest. */
    static Entry read(Path jar, int level) throws IOException {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            Attributes main = file.getManifest() == null ? new Attributes() : file.getManifest().getMainAttributes();
            String bsn = headerValue(main.getValue("Bundle-SymbolicName"));
            if (bsn == null) {
                throw new IOException(jar + " is not a bundle (no Bundle-SymbolicName)");
            }
            return new Entry(jar, bsn, main.getValue("Fragment-Host") != null, level);
        }
    }

    /** The value of a manifest header without its attributes and directives ({@code a.b;singleton:=true}). */
    static String headerValue(String header) {
        if (header == null) {
            return null;
        }
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).trim();
    }
}

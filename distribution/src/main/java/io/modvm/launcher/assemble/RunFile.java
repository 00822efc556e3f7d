package io.modvm.launcher.assemble;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * An assembly file: the part of bnd's {@code .bndrun} format that describes a modvm assembly.
 * <ul>
 * <li>{@code -runbundles}: the bundles, by symbolic name, each with {@code startlevel=N} (bnd's attribute);
 * instructions {@code -runbundles.NAME} are merged into it, as bnd merges them;</li>
 * <li>{@code -runstartlevel: begin=N}: the level the framework rises to;</li>
 * <li>{@code -runproperties}: framework properties (modvm's defaults for this assembly), merged likewise;</li>
 * <li>{@code -runrepos}: folders of bundle jars to take bundles from besides modvm's own, relative to the file;</li>
 * <li>{@code -include}: other assembly files read first (relative to this one; {@code ${modvm.home}} is the
 * modvm installation), so that a new assembly can be one shipped assembly plus a few bundles.</li>
 * </ul>
 *
 * @param name the file's name without {@code .bndrun}
 * @param bundles symbolic name to start level, in the order given
 * @param beginningLevel {@code -runstartlevel}'s {@code begin}
 * @param properties {@code -runproperties}
 * @param repositories {@code -runrepos}, resolved against the file's folder
 */
record RunFile(String name, Map<String, Integer> bundles, int beginningLevel, Map<String, String> properties,
        List<Path> repositories) {
    static final String EXTENSION = ".bndrun";

    static RunFile read(Path file, Path modvmHome) throws IOException {
        Properties p = new Properties();
        load(file, modvmHome, p, 0);
        String fileName = file.getFileName().toString();
        String name = fileName.endsWith(EXTENSION) ? fileName.substring(0, fileName.length() - EXTENSION.length())
                : fileName;
        Map<String, Integer> bundles = new LinkedHashMap<>();
        for (String key : merged(p, "-runbundles")) {
            for (ManifestClauses c : ManifestClauses.parse(p.getProperty(key))) {
                if (c.names().isEmpty()) {
                    continue;
                }
                String bsn = c.names().get(0);
                String level = c.attributes().get("startlevel");
                if (level == null) {
                    throw new IOException(file + ": -runbundles entry " + bsn + " has no start level; write "
                            + bsn + ";startlevel=N");
                }
                bundles.put(bsn, number(file, bsn + ";startlevel", level));
            }
        }
        if (bundles.isEmpty()) {
            throw new IOException(file + ": no -runbundles; list the assembly's bundles there");
        }
        String begin = null;
        for (ManifestClauses c : ManifestClauses.parse(p.getProperty("-runstartlevel"))) {
            begin = c.attributes().getOrDefault("begin", begin);
        }
        int beginning = begin == null ? bundles.values().stream().mapToInt(Integer::intValue).max().orElse(1)
                : number(file, "-runstartlevel begin", begin);
        Map<String, String> properties = new LinkedHashMap<>();
        for (String key : merged(p, "-runproperties")) {
            for (ManifestClauses c : ManifestClauses.parse(p.getProperty(key))) {
                properties.putAll(c.attributes());
                c.names().forEach(n -> properties.put(n, ""));
            }
        }
        List<Path> repositories = new ArrayList<>();
        for (String folder : ManifestClauses.split(p.getProperty("-runrepos", ""), ',')) {
            if (!folder.isBlank()) {
                repositories.add(file.toAbsolutePath().getParent().resolve(folder.strip()).normalize());
            }
        }
        return new RunFile(name, bundles, beginning, properties, repositories);
    }

    /** Reads {@code file} into {@code p}, its {@code -include}s first, so that the including file wins. */
    private static void load(Path file, Path modvmHome, Properties p, int depth) throws IOException {
        if (depth > 8) {
            throw new IOException(file + ": -include nests more than 8 deep (does it include itself?)");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such assembly file");
        }
        Properties own = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            own.load(in);
        }
        for (String include : ManifestClauses.split(own.getProperty("-include", ""), ',')) {
            String path = include.strip().replace("${modvm.home}", modvmHome.toString());
            if (!path.isEmpty()) {
                load(file.toAbsolutePath().getParent().resolve(path).normalize(), modvmHome, p, depth + 1);
            }
        }
        own.remove("-include");
        // an included file's -runrepos are relative to it: keep them absolute once read
        String repos = own.getProperty("-runrepos");
        if (repos != null) {
            List<String> absolute = new ArrayList<>();
            for (String folder : ManifestClauses.split(repos, ',')) {
                if (!folder.isBlank()) {
                    absolute.add(file.toAbsolutePath().getParent().resolve(folder.strip()).normalize().toString());
                }
            }
            String earlier = p.getProperty("-runrepos");
            own.setProperty("-runrepos", (earlier == null ? "" : earlier + ",") + String.join(",", absolute));
        }
        p.putAll(own);
    }

    /** The instruction and its merged forms ({@code -runbundles}, {@code -runbundles.extra}, ...), sorted. */
    private static List<String> merged(Properties p, String instruction) {
        return p.stringPropertyNames().stream()
                .filter(k -> k.equals(instruction) || k.startsWith(instruction + "."))
                .sorted().toList();
    }

    private static int number(Path file, String what, String text) throws IOException {
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IOException(file + ": " + what + "=" + text + " is not a start level (1 or more)");
    }
}

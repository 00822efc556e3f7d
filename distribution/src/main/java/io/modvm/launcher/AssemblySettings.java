package io.modvm.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * An assembly's settings, {@value #FILE} in its folder, as {@code modvm-assemble} writes them from the
 * {@code .bndrun}: its name, the framework's beginning start level ({@code -runstartlevel: begin=N}) and the
 * framework properties it adds ({@code -runproperties}).
 *
 * @param name the assembly's name (the .bndrun file's name without extension)
 * @param beginningLevel the start level the framework rises to; the watched folder's bundles start at it too
 * @param extraLevel the start level of a jar in bundle/ that bundles.list does not name (a plugin copied in)
 * @param properties framework properties, applied over the launcher's own
 */
record AssemblySettings(String name, int beginningLevel, int extraLevel, Map<String, String> properties) {
    static final String FILE = "assembly.properties";
    static final String NAME = "name";
    static final String BEGIN = "beginning.level";
    static final String EXTRA = "extra.level";
    static final String PROPERTY = "property.";

    AssemblySettings {
        properties = Map.copyOf(properties);
    }

    static AssemblySettings load(Path folder) throws IOException {
        Path file = folder.resolve(FILE);
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        int begin = level(file, p, BEGIN, null);
        int extra = level(file, p, EXTRA, begin);
        Map<String, String> properties = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(PROPERTY)) {
                properties.put(key.substring(PROPERTY.length()), p.getProperty(key));
            }
        }
        return new AssemblySettings(p.getProperty(NAME, folder.getFileName().toString()), begin, extra, properties);
    }

    private static int level(Path file, Properties p, String key, Integer fallback) throws IOException {
        String value = p.getProperty(key);
        if (value == null && fallback != null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value == null ? "" : value.strip());
        } catch (NumberFormatException e) {
            throw new IOException(file + ": " + key + " is not a start level; make the folder again with "
                    + "bin/modvm-assemble");
        }
    }
}

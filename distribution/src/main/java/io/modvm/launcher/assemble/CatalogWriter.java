package io.modvm.launcher.assemble;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes {@value #FILE}: what every bundle of the repository provides, one {@code KIND NAME BUNDLE} a line, so that
 * modvm can name the bundle behind a name that this assembly lacks. Kinds: {@code device} (DS property
 * modvm.device.type), {@code backend} ({@code KIND:TYPE} from modvm.backend.kind and modvm.backend.type),
 * {@code transport} (modvm.transport.scheme), {@code command} (modvm.monitor.command), {@code option} (a
 * command-line option, capability {@value #OPTION_NAMESPACE}), {@code package} (Export-Package) and
 * {@code capability} ({@code NAMESPACE=VALUE} of Provide-Capability).
 */
final class CatalogWriter {
    static final String FILE = "catalog.list";
    static final String OPTION_NAMESPACE = "io.modvm.option";
    private static final Pattern PROPERTY = Pattern.compile("<property\\b([^>]*?)(/>|>([^<]*)</property>)", Pattern.DOTALL);
    private static final Pattern ATTRIBUTE = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private CatalogWriter() {}

    static List<String> lines(Iterable<Path> jars) throws IOException {
        TreeSet<String> lines = new TreeSet<>();
        for (Path jar : jars) {
            lines.addAll(linesOf(jar));
        }
        List<String> out = new ArrayList<>();
        out.add("# What each bundle provides (written by the build; modvm reads it to name the bundle an assembly lacks).");
        out.add("# KIND NAME BUNDLE-SYMBOLIC-NAME");
        out.addAll(lines);
        return out;
    }

    static void write(Path file, Iterable<Path> jars) throws IOException {
        Files.write(file, lines(jars));
    }

    static List<String> linesOf(Path jar) throws IOException {
        List<String> lines = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            Attributes main = file.getManifest().getMainAttributes();
            String bsn = ManifestClauses.parse(main.getValue("Bundle-SymbolicName")).get(0).names().get(0);
            for (ManifestClauses c : ManifestClauses.parse(main.getValue("Export-Package"))) {
                c.names().forEach(p -> lines.add("package " + p + " " + bsn));
            }
            for (ManifestClauses c : ManifestClauses.parse(main.getValue("Provide-Capability"))) {
                for (String namespace : c.names()) {
                    String value = c.attributes().get(namespace);
                    if (value == null) {
                        continue;
                    }
                    lines.add(namespace.equals(OPTION_NAMESPACE) ? "option " + value + " " + bsn
                            : "capability " + namespace + "=" + value + " " + bsn);
                }
            }
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (e.getName().startsWith("OSGI-INF/") && e.getName().endsWith(".xml")) {
                    try (InputStream in = file.getInputStream(e)) {
                        lines.addAll(component(new String(in.readAllBytes(), StandardCharsets.UTF_8), bsn));
                    }
                }
            }
        }
        return lines;
    }

    /** The catalog lines of one DS component description. */
    static List<String> component(String xml, String bsn) {
        Map<String, List<String>> properties = new HashMap<>();
        Matcher m = PROPERTY.matcher(xml);
        while (m.find()) {
            Map<String, String> attributes = new HashMap<>();
            Matcher a = ATTRIBUTE.matcher(m.group(1));
            while (a.find()) {
                attributes.put(a.group(1), a.group(2));
            }
            List<String> values = new ArrayList<>();
            if (attributes.containsKey("value")) {
                values.add(attributes.get("value"));
            } else if (m.group(3) != null) {
                m.group(3).lines().map(String::strip).filter(s -> !s.isEmpty()).forEach(values::add);
            }
            properties.put(attributes.get("name"), values);
        }
        List<String> lines = new ArrayList<>();
        properties.getOrDefault("modvm.device.type", List.of()).forEach(t -> lines.add("device " + t + " " + bsn));
        properties.getOrDefault("modvm.transport.scheme", List.of()).forEach(t -> lines.add("transport " + t + " " + bsn));
        properties.getOrDefault("modvm.monitor.command", List.of()).forEach(t -> lines.add("command " + t + " " + bsn));
        properties.getOrDefault("modvm.monitor.hmp", List.of()).forEach(t -> lines.add("hmp " + t.replace(' ', '+')
                + " " + bsn));
        List<String> kinds = properties.getOrDefault("modvm.backend.kind", List.of());
        for (String type : properties.getOrDefault("modvm.backend.type", List.of())) {
            kinds.forEach(kind -> lines.add("backend " + kind + ":" + type + " " + bsn));
        }
        return lines;
    }
}

package io.modvm.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Which bundles to install, in which order and at which start level. Levels follow kvmtool's ordered init:
 * what the others need to even resolve or log comes first (ASM, then SPI Fly, then SLF4J, whose provider must
 * be resolved before the first LoggerFactory call), then the OSGi services, then modvm, then the watched folder.
 * Public for the distribution's Pax Exam tests, which provision the container the same way.
 */
public final class BundlePlan {
    static final int ASM_LEVEL = 1;
    static final int SPIFLY_LEVEL = 2;
    public static final int LOGGING_LEVEL = 3;
    static final int SERVICES_LEVEL = 4;
    static final int MODVM_LEVEL = 5;
    static final int DEPLOY_LEVEL = 6;
    public static final int BEGINNING_LEVEL = DEPLOY_LEVEL;

    /** One bundle jar: its symbolic name, whether it is a fragment (never started) and its start level. */
    public record Entry(Path jar, String symbolicName, boolean fragment, int startLevel) {}

    /** Orders by start level, then by symbolic name, which is also the order of install and of start. */
    static final Comparator<Entry> ORDER =
            Comparator.comparingInt(Entry::startLevel).thenComparing(Entry::symbolicName);

    private BundlePlan() {}

    /** The start level of the bundle with the given symbolic name. */
    public static int startLevel(String symbolicName) {
        if (symbolicName.equals("org.objectweb.asm") || symbolicName.startsWith("org.objectweb.asm.")) {
            return ASM_LEVEL;
        }
        if (symbolicName.startsWith("org.apache.aries.spifly")) {
            return SPIFLY_LEVEL;
        }
        if (symbolicName.startsWith("slf4j.") || symbolicName.startsWith("org.slf4j")
                || symbolicName.startsWith("ch.qos.logback")) {
            return LOGGING_LEVEL;
        }
        if (symbolicName.equals("org.apache.felix.fileinstall")) {
            return DEPLOY_LEVEL;
        }
        if (symbolicName.startsWith("io.modvm.")) {
            return MODVM_LEVEL;
        }
        return SERVICES_LEVEL;
    }

    /** Every *.jar in {@code folder}, in install order. */
    public static List<Entry> scan(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException("no bundle folder " + folder);
        }
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> jars = Files.list(folder)) {
            for (Path jar : (Iterable<Path>) jars.filter(p -> p.getFileName().toString().endsWith(".jar"))::iterator) {
                entries.add(read(jar));
            }
        }
        entries.sort(ORDER);
        return entries;
    }

    static Entry read(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            Attributes main = file.getManifest() == null ? new Attributes() : file.getManifest().getMainAttributes();
            String bsn = headerValue(main.getValue("Bundle-SymbolicName"));
            if (bsn == null) {
                throw new IOException(jar + " is not a bundle (no Bundle-SymbolicName)");
            }
            return entry(jar, bsn, main.getValue("Fragment-Host") != null);
        }
    }

    static Entry entry(Path jar, String symbolicName, boolean fragment) {
        return new Entry(jar, symbolicName, fragment, startLevel(symbolicName));
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

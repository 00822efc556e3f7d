package io.modvm.launcher.assemble;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** Bundle jars by symbolic name, from folders searched in order (the first folder holding a name wins). */
final class BundleRepository {
    private final List<Path> folders;
    private final Map<String, Path> jars = new LinkedHashMap<>();

    BundleRepository(List<Path> folders) throws IOException {
        this.folders = List.copyOf(folders);
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                throw new IOException(folder + ": no such folder of bundles");
            }
            try (Stream<Path> files = Files.list(folder)) {
                for (Path jar : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".jar")).sorted()::iterator) {
                    String bsn = symbolicName(jar);
                    if (bsn != null) {
                        jars.putIfAbsent(bsn, jar);
                    }
                }
            }
        }
    }

    /** The jar of {@code bsn}, or null. */
    Path find(String bsn) {
        return jars.get(bsn);
    }

    /** Every jar, one per symbolic name. */
    Iterable<Path> all() {
        return jars.values();
    }

    List<Path> folders() {
        return folders;
    }

    private static String symbolicName(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            String header = file.getManifest() == null ? null
                    : file.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
            return header == null ? null : ManifestClauses.parse(header).get(0).names().get(0);
        }
    }
}

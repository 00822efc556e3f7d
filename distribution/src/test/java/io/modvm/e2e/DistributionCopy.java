package io.modvm.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;

/**
 * A private copy of the assembled distribution, for tests that change its folders: a bundle moved into deploy/
 * (FileInstall's folder) can then be updated under a running guest by touching its jar.
 */
final class DistributionCopy {
    private DistributionCopy() {
    }

    /** Copies {@link ModvmProcess#home()} to {@code dir}/modvm and returns that home. */
    static Path in(Path dir) throws IOException {
        return copy(ModvmProcess.home(), dir.resolve("modvm"));
    }

    /** Copies the folder {@code from} (an assembly's, or any) to {@code to}; returns {@code to}. */
    static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Files.copy(source, to.resolve(from.relativize(source).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return to;
    }

    /**
     * Moves the bundle {@code prefix}*.jar of the copy {@code home} from bundle/ to deploy/, and out of the
     * assembly's bundles.list (docs/assemblies.md: a bundle leaves an assembly with its line); returns its new path.
     */
    static Path moveToDeploy(Path home, String prefix) throws IOException {
        Path jar;
        try (Stream<Path> jars = Files.list(home.resolve("bundle"))) {
            jar = jars.filter(j -> j.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
        }
        Path list = home.resolve("bundles.list");
        String line = " bundle/" + jar.getFileName();
        Files.write(list, Files.readAllLines(list).stream().filter(l -> !l.endsWith(line)).toList());
        return Files.move(jar, home.resolve("deploy").resolve(jar.getFileName()));
    }

    /** Makes FileInstall update the bundle of {@code jar} (in deploy/): its factory leaves and the new one comes. */
    static void update(Path jar) throws IOException {
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 5000));
    }
}

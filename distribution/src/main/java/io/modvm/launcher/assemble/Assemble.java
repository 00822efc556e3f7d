package io.modvm.launcher.assemble;

import io.modvm.launcher.Catalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * {@code bin/modvm-assemble FILE.bndrun [FOLDER]}: checks an assembly file and makes the runnable modvm it
 * describes in FOLDER (default: the file's name, in the current folder): {@code bin/} and {@code lib/} of this
 * installation, the assembly's bundles in {@code bundle/}, {@code bundles.list} (start level and jar of each),
 * {@code assembly.properties}, the catalog, and an empty {@code deploy/}. Bundles come from the file's
 * {@code -runrepos} folders, then from this installation's {@code bundle/}. An incomplete set is refused, one line
 * per missing bundle or requirement, and nothing is written. The build runs the same tool, with
 * {@code --repository} for the folder of every bundle it built, to make each shipped assembly.
 */
public final class Assemble {
    private Assemble() {}

    public static void main(String[] args) {
        int status;
        try {
            status = run(args);
        } catch (Exception e) {
            System.err.println("modvm-assemble: " + e.getMessage());
            status = 1;
        }
        System.exit(status);
    }

    static int run(String[] args) throws Exception {
        List<Path> repositories = new ArrayList<>();
        Path home = Path.of(System.getProperty("modvm.home", ".")).toAbsolutePath().normalize();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--repository") && i + 1 < args.length) {
                repositories.add(Path.of(args[++i]).toAbsolutePath().normalize());
            } else if (args[i].equals("--home") && i + 1 < args.length) {
                home = Path.of(args[++i]).toAbsolutePath().normalize();
            } else {
                positional.add(args[i]);
            }
        }
        if (positional.isEmpty() || positional.size() > 2 || positional.get(0).startsWith("-")) {
            System.err.println("usage: modvm-assemble FILE.bndrun [FOLDER]  (docs/assemblies.md)");
            return 2;
        }
        Path file = Path.of(positional.get(0)).toAbsolutePath().normalize();
        RunFile run = RunFile.read(file, home);
        Path out = Path.of(positional.size() > 1 ? positional.get(1) : run.name()).toAbsolutePath().normalize();

        List<Path> folders = new ArrayList<>(run.repositories());
        folders.addAll(repositories);
        if (repositories.isEmpty()) {
            folders.add(home.resolve("bundle"));
        }
        BundleRepository repository = new BundleRepository(folders);
        List<String> problems = new ArrayList<>();
        List<Path> jars = new ArrayList<>();
        for (String bsn : run.bundles().keySet()) {
            Path jar = repository.find(bsn);
            if (jar == null) {
                problems.add("bundle " + bsn + " is in no folder of bundles (" + folders
                        + "); add the folder that holds its jar to -runrepos");
            } else {
                jars.add(jar);
            }
        }
        Catalog catalog = Catalog.parse(CatalogWriter.lines(repository.all()));
        if (problems.isEmpty()) {
            problems.addAll(ResolutionCheck.missing(jars, catalog, run.name()));
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.err.println("modvm-assemble: " + file.getFileName() + ": " + p));
            System.err.println("modvm-assemble: " + file.getFileName() + ": the assembly is incomplete; nothing was written");
            return 1;
        }
        write(run, jars, home, out, repository);
        System.out.println("assembly " + run.name() + ": " + jars.size() + " bundles in " + out);
        return 0;
    }

    private static void write(RunFile run, List<Path> jars, Path home, Path out, BundleRepository repository)
            throws IOException {
        Path bundleDir = out.resolve("bundle");
        delete(bundleDir);
        Files.createDirectories(bundleDir);
        Files.createDirectories(out.resolve("deploy"));
        if (!out.equals(home)) {
            copyFolder(home.resolve("bin"), out.resolve("bin"), p -> true);
            // modvm.jsa is made for one lib/ path: a copy could not use it (make-cds-archive makes one per folder)
            copyFolder(home.resolve("lib"), out.resolve("lib"), p -> p.toString().endsWith(".jar"));
        }
        List<String> list = new ArrayList<>();
        list.add("# modvm assembly " + run.name() + ", made by modvm-assemble: start level and jar of each bundle");
        int i = 0;
        for (String bsn : run.bundles().keySet()) {
            Path jar = jars.get(i++);
            Files.copy(jar, bundleDir.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            list.add(run.bundles().get(bsn) + " bundle/" + jar.getFileName());
        }
        Files.write(out.resolve(io.modvm.launcher.BundlePlan.LIST), list);
        Properties settings = new Properties();
        settings.setProperty("name", run.name());
        settings.setProperty("beginning.level", Integer.toString(run.beginningLevel()));
        // a jar copied into bundle/ without a line (a plugin) starts with the last level before the beginning one
        int extra = run.bundles().values().stream().mapToInt(Integer::intValue).filter(l -> l < run.beginningLevel())
                .max().orElse(run.beginningLevel());
        settings.setProperty("extra.level", Integer.toString(extra));
        for (Map.Entry<String, String> p : run.properties().entrySet()) {
            settings.setProperty("property." + p.getKey(), p.getValue());
        }
        try (var w = Files.newBufferedWriter(out.resolve("assembly.properties"))) {
            settings.store(w, "modvm assembly " + run.name() + ", made by modvm-assemble");
        }
        // the installation's catalog names every bundle it ships; the build writes it for the installation itself
        Path shipped = home.resolve(Catalog.FILE);
        if (!out.equals(home) && Files.isRegularFile(shipped)) {
            Files.copy(shipped, out.resolve(Catalog.FILE), StandardCopyOption.REPLACE_EXISTING);
        } else {
            CatalogWriter.write(out.resolve(Catalog.FILE), repository.all());
        }
    }

    private static void copyFolder(Path from, Path to, java.util.function.Predicate<Path> which) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).filter(which)::iterator) {
                Path target = to.resolve(f.getFileName());
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void delete(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
        }
    }
}

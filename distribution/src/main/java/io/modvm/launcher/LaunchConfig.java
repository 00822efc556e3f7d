package io.modvm.launcher;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Where modvm lives and the framework properties it runs with. */
final class LaunchConfig {
    static final String DEPLOY_DIR = "deploy";
    /** Separates the command-line arguments in {@code modvm.args}; NUL cannot occur inside an argument. */
    static final char ARG_SEPARATOR = '\u0000';
    static final String ASSEMBLY_OPTION = "--assembly";

    private LaunchConfig() {}

    /**
     * MODVM_HOME, the folder above bin/: the {@code modvm.home} system property (set by bin/modvm), else the
     * MODVM_HOME environment variable, else the folder above the lib/ that holds the launcher jar.
     */
    static Path modvmHome() throws URISyntaxException {
        String home = System.getProperty("modvm.home");
        if (home == null || home.isEmpty()) {
            home = System.getenv("MODVM_HOME");
        }
        if (home != null && !home.isEmpty()) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return jar.toAbsolutePath().getParent().getParent();
    }

    /**
     * Where kept framework storage goes ({@link FrameworkStorage}): {@code $MODVM_CACHE/framework}, by default
     * {@code ~/.cache/modvm/framework}; null where neither is known (then each start uses a temporary folder).
     */
    static Path frameworkCache() {
        String cache = System.getenv("MODVM_CACHE");
        if (cache != null && !cache.isEmpty()) {
            return Path.of(cache).toAbsolutePath().resolve("framework");
        }
        String user = System.getProperty("user.home");
        return user == null || user.isEmpty() || user.equals("?") ? null
                : Path.of(user, ".cache", "modvm", "framework");
    }

    /** The jars of MODVM_HOME's lib/ (the launcher, Felix): a kept storage was made by these. */
    static List<Path> launcherJars(Path home) throws IOException {
        try (Stream<Path> files = Files.list(home.resolve("lib"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /**
     * Where the bundles come from, and the arguments left for the core: {@code --assembly DIR} (or
     * {@code --assembly=DIR}) as the first argument, else the MODVM_ASSEMBLY environment variable (bin/modvm sets
     * it when it is started through a symlink in another assembly's bin/), else MODVM_HOME itself.
     */
    static Selected selectAssembly(Path home, String[] args, String environment) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        String dir = null;
        if (!rest.isEmpty() && rest.get(0).startsWith(ASSEMBLY_OPTION + "=")) {
            dir = rest.remove(0).substring(ASSEMBLY_OPTION.length() + 1);
        } else if (!rest.isEmpty() && rest.get(0).equals(ASSEMBLY_OPTION)) {
            if (rest.size() < 2) {
                throw new IllegalArgumentException(ASSEMBLY_OPTION + " requires a folder (one made by "
                        + "bin/modvm-assemble)");
            }
            rest.remove(0);
            dir = rest.remove(0);
        } else if (environment != null && !environment.isEmpty()) {
            dir = environment;
        }
        Path folder = dir == null ? home : Path.of(dir).toAbsolutePath().normalize();
        return new Selected(folder, rest.toArray(new String[0]));
    }

    /** The assembly folder chosen and the command line without the launcher's own option. */
    record Selected(Path folder, String[] args) {}

    /** The arguments joined with NUL; the empty string for none. */
    static String joinArgs(String... args) {
        return String.join(String.valueOf(ARG_SEPARATOR), args);
    }

    static Map<String, String> frameworkProperties(Path home, Path assembly, AssemblySettings settings, Path storage,
            boolean cleanStorage, String[] args, LogSettings log) {
        Map<String, String> p = new HashMap<>();
        p.put("org.osgi.framework.storage", storage.toString());
        p.put("org.osgi.framework.storage.clean", cleanStorage ? "onFirstInit" : "none");
        // The storage is kept between starts (FrameworkStorage), but configurations belong to one run: the command
        // line and deploy/'s .cfg files make them anew each start, so Config Admin keeps them in memory only.
        p.put("felix.cm.pm", "memory");
        p.put("org.osgi.framework.startlevel.beginning", Integer.toString(settings.beginningLevel()));
        // Classes on the JVM class path (the launcher, Felix) must not leak into bundles (SLF4J's provider check).
        p.put("felix.bootdelegation.implicit", "false");
        // Felix's own logger and SCR's info/debug messages go to stdout, which belongs to the guest console:
        // only when debugging (Felix's debug level, which lists every wire, only for trace).
        p.put("felix.log.level", log.level().equals("trace") ? "4" : log.isDebug() ? "2" : "0");
        // Config Admin prints its own "*ERROR*" lines on stderr, e.g. for a configuration that arrives while a
        // machine that failed at start is being torn down: noise after modvm's one-line error, shown when debugging.
        p.put("felix.cm.loglevel", log.isDebug() ? "4" : "0");
        p.put("ds.loglevel", log.isDebug() ? "debug" : log.shows("warn") ? "warn" : "error");
        // The guest console owns stdin: Gogo must never read it, nor stop the framework.
        p.put("gosh.args", "--nointeractive --noshutdown");
        p.put("felix.fileinstall.dir", assembly.resolve(DEPLOY_DIR).toString());
        p.put("felix.fileinstall.poll", "1000");
        p.put("felix.fileinstall.noInitialDelay", "true");
        // FileInstall writes each configuration it loaded back into its .cfg file, truncating the file first; a
        // scan that reads it in that window loads an empty configuration and writes that back too, wiping the
        // user's file (seen as a .cfg device with no type). deploy/ files are the user's: never rewrite them. (The
        // core deletes the file of a configuration the monitor removes itself.)
        p.put("felix.fileinstall.enableConfigSave", "false");
        // the watched folder's bundles start last, with the assembly's last level
        p.put("felix.fileinstall.start.level", Integer.toString(settings.beginningLevel()));
        p.put("felix.fileinstall.log.default", "jul");
        p.put("modvm.home", home.toString());
        p.put("modvm.assembly", settings.name());
        p.put("modvm.assembly.dir", assembly.toString());
        p.putAll(settings.properties());
        p.put("modvm.args", joinArgs(args));
        return p;
    }
}

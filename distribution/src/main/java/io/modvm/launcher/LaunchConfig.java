package io.modvm.launcher;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Where modvm lives and the framework properties it runs with. */
final class LaunchConfig {
    static final String BUNDLE_DIR = "bundle";
    static final String DEPLOY_DIR = "deploy";
    /** Separates the command-line arguments in {@code modvm.args}; NUL cannot occur inside an argument. */
    static final char ARG_SEPARATOR = '\u0000';

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

    /** The arguments joined with NUL; the empty string for none. */
    static String joinArgs(String... args) {
        return String.join(String.valueOf(ARG_SEPARATOR), args);
    }

    static Map<String, String> frameworkProperties(Path home, Path storage, String[] args, LogSettings log) {
        Map<String, String> p = new HashMap<>();
        p.put("org.osgi.framework.storage", storage.toString());
        p.put("org.osgi.framework.storage.clean", "onFirstInit");
        p.put("org.osgi.framework.startlevel.beginning", Integer.toString(BundlePlan.BEGINNING_LEVEL));
        // Classes on the JVM class path (the launcher, Felix) must not leak into bundles (SLF4J's provider check).
        p.put("felix.bootdelegation.implicit", "false");
        // Felix's own logger and SCR's info/debug messages go to stdout, which belongs to the guest console:
        // only when debugging (Felix's debug level, which lists every wire, only for trace).
        p.put("felix.log.level", log.level().equals("trace") ? "4" : log.isDebug() ? "2" : "0");
        p.put("ds.loglevel", log.isDebug() ? "debug" : log.shows("warn") ? "warn" : "error");
        // The guest console owns stdin: Gogo must never read it, nor stop the framework.
        p.put("gosh.args", "--nointeractive --noshutdown");
        p.put("felix.fileinstall.dir", home.resolve(DEPLOY_DIR).toString());
        p.put("felix.fileinstall.poll", "1000");
        p.put("felix.fileinstall.noInitialDelay", "true");
        // FileInstall writes each configuration it loaded back into its .cfg file, truncating the file first; a
        // scan that reads it in that window loads an empty configuration and writes that back too, wiping the
        // user's file (seen as a .cfg device with no type). deploy/ files are the user's: never rewrite them. (The
        // core deletes the file of a configuration the monitor removes itself.)
        p.put("felix.fileinstall.enableConfigSave", "false");
        p.put("felix.fileinstall.start.level", Integer.toString(BundlePlan.DEPLOY_LEVEL));
        p.put("felix.fileinstall.log.default", "jul");
        p.put("modvm.home", home.toString());
        p.put("modvm.args", joinArgs(args));
        return p;
    }
}

package io.modvm.testkit.boot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the modvm distribution a test boots is: the system property {@value #PROPERTY}, else the environment
 * variable {@value #ENVIRONMENT}; the folder that holds {@code bin/modvm} and {@code bundle/}.
 */
public final class ModvmHome {
    /** System property naming the distribution folder. */
    public static final String PROPERTY = "modvm.home";
    /** Environment variable naming the distribution folder. */
    public static final String ENVIRONMENT = "MODVM_HOME";

    private ModvmHome() {
    }

    /** The configured distribution folder, or empty if neither the property nor the variable is set. */
    public static Optional<Path> configured() {
        String home = System.getProperty(PROPERTY);
        if (home == null || home.isBlank()) {
            home = System.getenv(ENVIRONMENT);
        }
        return home == null || home.isBlank() ? Optional.empty() : Optional.of(Path.of(home).toAbsolutePath());
    }

    /**
     * Checks that {@code home} is a modvm distribution.
     *
     * @throws IllegalArgumentException naming what is missing and how to point the test kit elsewhere
     */
    public static Path check(Path home) {
        if (!Files.isExecutable(home.resolve("bin/modvm")) || !Files.isDirectory(home.resolve("bundle"))) {
            throw new IllegalArgumentException(home + " is not a modvm distribution (no bin/modvm or bundle/); set -D"
                    + PROPERTY + "=DIR or " + ENVIRONMENT + " to the folder a modvm build or release unpacks into");
        }
        return home;
    }
}

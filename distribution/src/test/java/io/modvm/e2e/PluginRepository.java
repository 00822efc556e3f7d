package io.modvm.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A Maven repository for building plugin projects (examples/hello-device, projects examples/new-device makes) as a
 * third party builds them, against the artifacts modvm publishes for plugin authors: io.modvm:api,
 * io.modvm:testkit and io.modvm:testguest, taken from this build's reactor (never from a copy installed earlier in
 * the user's local repository, which may be stale) and laid out as a local repository in the test's folder.
 * Everything else (Maven plugins, JUnit) comes from the user's local repository, read as a file: repository, so
 * that the build stays offline and nothing is written there.
 */
final class PluginRepository {
    private static final String VERSION = "0.1.0-SNAPSHOT";

    private final Path settings;

    private PluginRepository(Path settings) {
        this.settings = settings;
    }

    /** Lays out the repository in {@code dir}, with the reactor's jars under {@code repoRoot}. */
    static PluginRepository in(Path dir, Path repoRoot) throws IOException {
        Path local = dir.resolve("repository");
        Path userRepository = Path.of(System.getProperty("settings.localRepository",
                System.getProperty("user.home") + "/.m2/repository")).toAbsolutePath();
        publish(local, "api", repoRoot.resolve("bundles/api/target/api-" + VERSION + ".jar"), "");
        publish(local, "testguest", repoRoot.resolve("tools/testguest/target/testguest-" + VERSION + ".jar"), "");
        publish(local, "testkit", repoRoot.resolve("tools/testkit/target/testkit-" + VERSION + ".jar"),
                dependency("io.modvm", "api", VERSION) + dependency("io.modvm", "testguest", VERSION)
                        + dependency("org.junit.jupiter", "junit-jupiter", "5.14.4"));
        String url = userRepository.toUri().toString();
        Path settings = Files.writeString(dir.resolve("settings.xml"), """
                <settings>
                  <localRepository>%s</localRepository>
                  <profiles><profile><id>user</id>
                    <repositories><repository><id>user</id><url>%s</url></repository></repositories>
                    <pluginRepositories><pluginRepository><id>user</id><url>%s</url></pluginRepository></pluginRepositories>
                  </profile></profiles>
                  <activeProfiles><activeProfile>user</activeProfile></activeProfiles>
                </settings>
                """.formatted(local, url, url));
        return new PluginRepository(settings);
    }

    /** The arguments that make {@code mvn} build offline against this repository. */
    List<String> mavenArguments() {
        return List.of("-o", "-s", settings.toString(), "-Daether.offline.protocols=file");
    }

    private static String dependency(String group, String artifact, String version) {
        return "<dependency><groupId>" + group + "</groupId><artifactId>" + artifact + "</artifactId><version>"
                + version + "</version></dependency>";
    }

    /** {@code jar} as io.modvm:{@code artifact}, with a standalone pom (published artifacts have no parent). */
    private static void publish(Path local, String artifact, Path jar, String dependencies) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no " + jar + ": build the reactor first (mvn verify builds it before this test)");
        }
        Path folder = Files.createDirectories(local.resolve("io/modvm").resolve(artifact).resolve(VERSION));
        Files.copy(jar, folder.resolve(artifact + "-" + VERSION + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(folder.resolve(artifact + "-" + VERSION + ".pom"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>io.modvm</groupId><artifactId>%s</artifactId><version>%s</version>
                  <dependencies>%s</dependencies>
                </project>
                """.formatted(artifact, VERSION, dependencies));
    }
}

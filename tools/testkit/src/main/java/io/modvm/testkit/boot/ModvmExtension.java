package io.modvm.testkit.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 support for tests that boot a real modvm: a test method (or constructor) that takes a
 * {@link ModvmLauncher} gets one for the distribution at {@link ModvmHome}, working in a folder of its own; after the
 * test, every modvm it started is ended and the folder removed. A test is aborted (reported as skipped, with how to
 * configure it) when no distribution is configured, so that a plugin's unit tests still run anywhere; configure
 * {@code modvm.home} in the build where the boot tests must run.
 *
 * <pre>{@code
 * @ExtendWith(ModvmExtension.class)
 * class MyDeviceBootTest {
 *     @Test
 *     void theGuestFindsTheDevice(ModvmLauncher modvm) throws Exception { ... }
 * }
 * }</pre>
 */
public final class ModvmExtension implements ParameterResolver, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ModvmExtension.class);

    private record Session(ModvmLauncher launcher, Path work) {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ModvmLauncher.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Path home = ModvmHome.configured().orElse(null);
        Assumptions.assumeTrue(home != null, "no modvm distribution to boot: set -D" + ModvmHome.PROPERTY
                + "=DIR (e.g. in surefire's systemPropertyVariables) or " + ModvmHome.ENVIRONMENT);
        try {
            Path work = Files.createTempDirectory("modvm-test-");
            ModvmLauncher launcher = new ModvmLauncher(home, work);
            context.getStore(NAMESPACE).put(context.getUniqueId(), new Session(launcher, work));
            return launcher;
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a work folder for modvm: " + e.getMessage(), e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Session s = context.getStore(NAMESPACE).remove(context.getUniqueId(), Session.class);
        if (s == null) {
            return;
        }
        try {
            s.launcher().closeAll();
        } finally {
            try (Stream<Path> files = Files.walk(s.work())) {
                for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}

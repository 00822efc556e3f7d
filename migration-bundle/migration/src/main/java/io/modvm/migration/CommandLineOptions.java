package io.modvm.migration;

import org.osgi.annotation.bundle.Capability;

/**
 * The command-line options this bundle serves ({@code -incoming}, {@code -loadvm}), declared as capabilities so that
 * the build's catalog names this bundle when an assembly without it is given one of them.
 */
@Capability(namespace = "io.modvm.option", name = "-incoming")
@Capability(namespace = "io.modvm.option", name = "-loadvm")
final class CommandLineOptions {
    private CommandLineOptions() {}
}

package io.modvm.monitor;

import org.osgi.annotation.bundle.Capability;

/**
 * The command-line options this bundle serves ({@code -qmp}, {@code -monitor}), declared as capabilities so that the
 * build's catalog names this bundle when an assembly without it is given one of them.
 */
@Capability(namespace = CommandLineOptions.NAMESPACE, name = "-qmp")
@Capability(namespace = CommandLineOptions.NAMESPACE, name = "-monitor")
final class CommandLineOptions {
    /** The namespace of command-line option capabilities; the attribute of that name is the option. */
    static final String NAMESPACE = "io.modvm.option";

    private CommandLineOptions() {}
}

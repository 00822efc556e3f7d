package io.modvm.api.monitor;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One monitor command, registered as an OSGi service: the QMP server, HMP and the Gogo shell all find commands in
 * the registry, so a bundle brings its own commands and takes them away when it stops.
 *
 * <p>Values crossing this interface are JSON as Java sees it: {@code Map<String, Object>} (objects, keys in order),
 * {@code List<Object>}, {@code String}, {@code Long} or {@code Double}, {@code Boolean}, and null.
 */
@ConsumerType
public interface MonitorCommand {
    /** Service property holding {@link #name()}. */
    String PROP_NAME = "modvm.monitor.command";

    /**
     * Service property holding {@link #hmpName()}, for a command that has one: the build's catalog of an assembly
     * reads it from the component description, so that HMP can name the bundle of a command this assembly lacks,
     * as QMP does by {@link #PROP_NAME}.
     *
     * @since 1.3
     */
    String PROP_HMP_NAME = "modvm.monitor.hmp";

    /** The QMP command name, as QEMU spells it ({@code query-balloon}). */
    String name();

    /** One line of help. */
    String description();

    /**
     * The HMP spelling ({@code info balloon}, {@code balloon}), or null if the command has none. An
     * {@code info X} name makes the command appear under HMP's {@code info}.
     */
    default String hmpName() {
        return null;
    }

    /** The HMP argument synopsis for {@code help} ({@code "target"}); empty for none. */
    default String hmpArguments() {
        return "";
    }

    /**
     * Runs the command with QMP arguments. Returns the QMP {@code return} value: an empty map for commands that
     * return nothing.
     *
     * @throws MonitorException with QEMU's error class and a one-line description
     */
    Object execute(Map<String, Object> arguments) throws MonitorException;

    /** Turns the text after the HMP name into QMP arguments. The default accepts no arguments. */
    default Map<String, Object> parseHmp(String text) throws MonitorException {
        if (!text.isBlank()) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, hmpName() + ": too many arguments");
        }
        return Map.of();
    }

    /** Renders the QMP result as HMP prints it; empty for commands that print nothing. */
    default String formatHmp(Object result) {
        return "";
    }
}

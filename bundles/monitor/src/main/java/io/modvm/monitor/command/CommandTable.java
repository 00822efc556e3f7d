package io.modvm.monitor.command;

import io.modvm.api.monitor.MonitorCommand;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The commands that exist right now: the monitor's own and every {@link MonitorCommand} service. Lookups read a
 * snapshot, so a command whose bundle stops vanishes from the next lookup while a running one finishes.
 */
public final class CommandTable {
    private final List<MonitorCommand> commands = new CopyOnWriteArrayList<>();
    private volatile AbsentCommands absent = AbsentCommands.none();

    /** The commands of bundles this assembly lacks, for the error about an unknown command. */
    public void absent(AbsentCommands commands) {
        absent = commands;
    }

    /** Why QMP command {@code name} is unknown when a bundle this assembly lacks provides it, or null. */
    public String whyAbsent(String name) {
        return absent.why(name);
    }

    /** The same for an HMP spelling ({@code savevm}, {@code info balloon}). */
    public String whyAbsentHmp(String hmpName) {
        return absent.whyHmp(hmpName);
    }

    public void add(MonitorCommand command) {
        commands.add(command);
    }

    public void remove(MonitorCommand command) {
        commands.remove(command);
    }

    /** The command with QMP name {@code name}, or null. With two of one name, the first registered wins. */
    public MonitorCommand find(String name) {
        for (MonitorCommand c : commands) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** The command whose HMP spelling is {@code hmpName} ({@code "stop"}, {@code "info status"}), or null. */
    public MonitorCommand findHmp(String hmpName) {
        for (MonitorCommand c : commands) {
            if (hmpName.equals(c.hmpName())) {
                return c;
            }
        }
        return null;
    }

    /** Every command, sorted by QMP name. */
    public List<MonitorCommand> all() {
        return commands.stream().sorted(Comparator.comparing(MonitorCommand::name)).toList();
    }
}

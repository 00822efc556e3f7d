package io.modvm.monitor.hmp;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.monitor.command.CommandTable;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HMP over the command table: a line names a command by its {@link MonitorCommand#hmpName()} ({@code info X} for
 * the info subcommands), the command parses the rest into QMP arguments, runs, and formats its result. Only
 * {@code help} ({@code ?}) and a bare {@code info} belong to the interpreter itself. Messages follow QEMU's.
 */
public final class HmpInterpreter implements HmpConsole {
    private static final Logger LOG = LoggerFactory.getLogger(HmpInterpreter.class);
    private static final String INFO = "info";
    /** QEMU's one-letter spellings, which HMP users type out of habit; they name whichever command has the verb. */
    private static final Map<String, String> ALIASES = Map.of("c", "cont", "s", "stop", "q", "quit");

    private final CommandTable table;

    public HmpInterpreter(CommandTable table) {
        this.table = table;
    }

    @Override
    public String execute(String commandLine) {
        return crlf(run(commandLine.strip()));
    }

    private String run(String line) {
        if (line.isEmpty()) {
            return "";
        }
        String name = firstWord(line);
        String rest = afterFirstWord(line);
        if (name.equals("help") || name.equals("?")) {
            return help(rest);
        }
        if (name.equals(INFO)) {
            if (rest.isEmpty()) {
                return infoList();
            }
            String sub = INFO + " " + firstWord(rest);
            MonitorCommand command = table.findHmp(sub);
            return command == null ? unknown(sub) : invoke(command, afterFirstWord(rest));
        }
        MonitorCommand command = table.findHmp(ALIASES.getOrDefault(name, name));
        return command == null ? unknown(name) : invoke(command, rest);
    }

    /** A command from another bundle may be broken; its failure is printed, never thrown at the console. */
    private static String invoke(MonitorCommand command, String argumentText) {
        try {
            Map<String, Object> arguments;
            try {
                arguments = command.parseHmp(argumentText);
            } catch (MonitorException e) {
                return e.getMessage() + "\nTry \"help " + command.hmpName() + "\" for more information\n";
            }
            return command.formatHmp(command.execute(arguments));
        } catch (MonitorException e) {
            return "Error: " + e.getMessage() + "\n";
        } catch (RuntimeException e) {
            LOG.warn("HMP command '{}' failed", command.hmpName(), e);
            return "Error: " + e + "\n";
        }
    }

    private String help(String topic) {
        if (topic.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            sb.append("help|? [cmd] -- show the help\n");
            sb.append("info [subcommand] -- show various information about the system state\n");
            for (MonitorCommand c : hmpCommands()) {
                if (!isInfo(c)) {
                    sb.append(helpLine(c));
                }
            }
            return sb.toString();
        }
        String name = firstWord(topic);
        if (name.equals(INFO)) {
            return infoList();
        }
        StringBuilder sb = new StringBuilder();
        String verb = ALIASES.getOrDefault(name, name);
        for (MonitorCommand c : hmpCommands()) {
            if (c.hmpName().equals(verb)) {
                sb.append(helpLine(c));
            }
        }
        return sb.length() == 0 ? unknown(name) : sb.toString();
    }

    private String infoList() {
        StringBuilder sb = new StringBuilder();
        for (MonitorCommand c : hmpCommands()) {
            if (isInfo(c)) {
                sb.append(helpLine(c));
            }
        }
        return sb.toString();
    }

    private List<MonitorCommand> hmpCommands() {
        return table.all().stream().filter(c -> c.hmpName() != null)
                .sorted((a, b) -> a.hmpName().compareTo(b.hmpName())).toList();
    }

    private static boolean isInfo(MonitorCommand c) {
        return c.hmpName().startsWith(INFO + " ");
    }

    /** QEMU's help line: name and alias, argument synopsis (possibly empty, hence two spaces), description. */
    private static String helpLine(MonitorCommand c) {
        String name = c.hmpName();
        for (Map.Entry<String, String> alias : ALIASES.entrySet()) {
            if (alias.getValue().equals(name)) {
                name += "|" + alias.getKey();
            }
        }
        return name + " " + c.hmpArguments() + " -- " + c.description() + "\n";
    }

    /** QEMU's words, and where this assembly lacks the bundle that has the command, which bundle that is. */
    private String unknown(String name) {
        String why = table.whyAbsentHmp(name);
        return "unknown command: '" + name + "'" + (why == null ? "" : ": " + why) + "\n";
    }

    private static String firstWord(String text) {
        int end = 0;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
            end++;
        }
        return text.substring(0, end);
    }

    private static String afterFirstWord(String text) {
        return text.substring(firstWord(text).length()).strip();
    }

    /** QEMU's monitor writes every line end as CRLF, and every non-empty output ends with one. */
    static String crlf(String text) {
        if (text.isEmpty()) {
            return text;
        }
        String normalized = text.replace("\r\n", "\n").replace("\n", "\r\n");
        return normalized.endsWith("\r\n") ? normalized : normalized + "\r\n";
    }
}

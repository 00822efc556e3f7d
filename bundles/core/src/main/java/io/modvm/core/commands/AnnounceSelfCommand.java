package io.modvm.core.commands;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.api.net.AnnounceRounds;
import io.modvm.api.net.NetworkAnnouncer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * QMP {@code announce-self} (QEMU's AnnounceParameters: {@code initial}, {@code max}, {@code rounds}, {@code step},
 * optional {@code interfaces} and {@code id}) and HMP {@code announce_self [interfaces] [id]}, which uses QEMU's
 * default timing: the NICs tell the network where they are, as after a migration.
 */
public final class AnnounceSelfCommand implements MonitorCommand {
    /** QEMU's limits for the migration parameters announce-initial and -max (ms), -step (ms) and -rounds. */
    private static final long MAX_MILLIS = 100_000;
    private static final long MAX_STEP_MILLIS = 10_000;
    private static final long MAX_ROUNDS = 1000;

    private final NetworkAnnouncer announcer;

    public AnnounceSelfCommand(NetworkAnnouncer announcer) {
        this.announcer = announcer;
    }

    @Override
    public String name() {
        return "announce-self";
    }

    @Override
    public String description() {
        return "trigger GARP/RARP announcements";
    }

    @Override
    public String hmpName() {
        return "announce_self";
    }

    @Override
    public String hmpArguments() {
        return "[interfaces] [id]";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        CommandArguments.allowOnly(arguments, "initial", "max", "rounds", "step", "interfaces", "id");
        long initial = number(arguments, "initial", MAX_MILLIS);
        long max = number(arguments, "max", MAX_MILLIS);
        long rounds = number(arguments, "rounds", MAX_ROUNDS);
        long step = number(arguments, "step", MAX_STEP_MILLIS);
        List<String> interfaces = new ArrayList<>();
        Object list = arguments.get("interfaces");
        if (list != null) {
            if (!(list instanceof List<?> items)) {
                throw CommandArguments.generic("Invalid parameter type for 'interfaces', expected: array");
            }
            for (Object item : items) {
                if (!(item instanceof String s)) {
                    throw CommandArguments.generic("Invalid parameter type for 'interfaces[]', expected: string");
                }
                interfaces.add(s);
            }
        }
        String id = CommandArguments.optionalString(arguments, "id");
        announcer.announce(new AnnounceRounds(initial, max, (int) rounds, step, interfaces, id));
        return new LinkedHashMap<String, Object>();
    }

    private static long number(Map<String, Object> arguments, String name, long limit) throws MonitorException {
        Object value = arguments.get(name);
        if (value == null) {
            throw CommandArguments.generic("Parameter '" + name + "' is missing");
        }
        if (!(value instanceof Long n)) {
            throw CommandArguments.generic("Invalid parameter type for '" + name + "', expected: integer");
        }
        if (n < 0 || n > limit) {
            throw CommandArguments.generic("Parameter '" + name + "' expects a value between 0 and " + limit);
        }
        return n;
    }

    /** {@code announce_self [interfaces] [id]}: interfaces comma-separated, QEMU's default timing. */
    @Override
    public Map<String, Object> parseHmp(String text) throws MonitorException {
        String[] words = text.strip().isEmpty() ? new String[0] : text.strip().split("\\s+");
        if (words.length > 2) {
            throw CommandArguments.generic("announce_self: too many arguments; give [interfaces] [id], e.g. "
                    + "announce_self net0,net1 my-id");
        }
        AnnounceRounds d = AnnounceRounds.DEFAULTS;
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("initial", d.initialMillis());
        arguments.put("max", d.maxMillis());
        arguments.put("rounds", (long) d.rounds());
        arguments.put("step", d.stepMillis());
        if (words.length > 0) {
            arguments.put("interfaces", List.of(words[0].split(",")));
        }
        if (words.length > 1) {
            arguments.put("id", words[1]);
        }
        return arguments;
    }
}

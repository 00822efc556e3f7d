package io.modvm.monitor.gogo;

import io.modvm.monitor.hmp.HmpConsole;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * HMP in the Gogo shell: {@code modvm:info status}, {@code modvm:stop}, and {@code modvm:hmp LINE} for any HMP
 * line, so that commands other bundles add are reachable too. Each function runs the same HMP interpreter as the
 * monitor consoles. Plain public methods: Gogo finds them by the {@code osgi.command.function} names, so this
 * needs no Gogo classes.
 */
@Component(service = GogoCommands.class, property = {"osgi.command.scope=modvm",
        "osgi.command.function=info", "osgi.command.function=stop", "osgi.command.function=cont",
        "osgi.command.function=system_reset", "osgi.command.function=system_powerdown",
        "osgi.command.function=quit", "osgi.command.function=balloon", "osgi.command.function=hmp"})
public final class GogoCommands {
    private final HmpConsole hmp;

    @Activate
    public GogoCommands(@Reference HmpConsole hmp) {
        this.hmp = hmp;
    }

    public String info(String... args) {
        return run("info", args);
    }

    public String stop(String... args) {
        return run("stop", args);
    }

    public String cont(String... args) {
        return run("cont", args);
    }

    public String system_reset(String... args) {
        return run("system_reset", args);
    }

    public String system_powerdown(String... args) {
        return run("system_powerdown", args);
    }

    public String quit(String... args) {
        return run("quit", args);
    }

    public String balloon(String... args) {
        return run("balloon", args);
    }

    /** Any HMP line, given as words. */
    public String hmp(String... words) {
        return run("", words);
    }

    /** Gogo prints what a command returns with its own line end, so HMP's CRLFs and last newline go. */
    private String run(String verb, String... args) {
        String line = (verb + " " + String.join(" ", args)).strip();
        String output = hmp.execute(line).replace("\r\n", "\n");
        if (output.endsWith("\n")) {
            output = output.substring(0, output.length() - 1);
        }
        return output.isEmpty() ? null : output;
    }
}

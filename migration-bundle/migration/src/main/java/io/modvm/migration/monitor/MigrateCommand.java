package io.modvm.migration.monitor;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.migration.MigrationProgress;
import io.modvm.migration.MigrationStatus;
import io.modvm.migration.Migrations;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code migrate}: starts a live migration to {@code uri} and returns; HMP's {@code migrate URI} waits for the end
 * and prints a failure, {@code migrate -d URI} returns at once, as in QEMU. Block migration ({@code blk}, HMP
 * {@code -b}) carries the writable disks in the same stream, for a destination with its own empty images of the same
 * sizes; {@code inc} ({@code -i}) is taken as {@code blk}, since the image API says nothing of what a destination
 * already holds.
 */
@Component(service = MonitorCommand.class, property = {MonitorCommand.PROP_NAME + "=migrate",
        MonitorCommand.PROP_HMP_NAME + "=" + MigrateCommand.HMP_NAME})
public final class MigrateCommand extends MigrationCommand {
    static final String HMP_NAME = "migrate";

    @Activate
    public MigrateCommand(@Reference Migrations migrations) {
        super(migrations);
    }

    @Override
    public String name() {
        return "migrate";
    }

    @Override
    public String description() {
        return "migrate to URI (using -d to not wait for completion; -b to carry the disks, for a destination"
                + " without shared storage; -i is taken as -b)";
    }

    @Override
    public String hmpName() {
        return HMP_NAME;
    }

    @Override
    public String hmpArguments() {
        return "[-d] [-b] [-i] uri";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        String uri = string(arguments, "uri");
        boolean blocks = flag(arguments, "blk") || flag(arguments, "inc");
        if (flag(arguments, "resume")) {
            throw error("Parameter 'resume' is for postcopy recovery, which modvm does not do");
        }
        run(() -> migrations.migrate(uri, blocks));
        if (Boolean.TRUE.equals(arguments.get("__hmp-wait"))) {
            try {
                migrations.await(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            MigrationProgress p = migrations.progress();
            if (p.status() == MigrationStatus.FAILED) {
                throw error(p.error());
            }
        }
        return Map.of();
    }

    @Override
    public Map<String, Object> parseHmp(String text) throws MonitorException {
        String rest = text.trim();
        boolean detach = false;
        boolean blocks = false;
        while (rest.startsWith("-")) {
            int space = rest.indexOf(' ');
            String opt = space < 0 ? rest : rest.substring(0, space);
            switch (opt) {
                case "-d" -> detach = true;
                case "-b", "-i" -> blocks = true;
                default -> throw error("migrate: unknown option " + opt + " (known: -d, -b, -i)");
            }
            rest = space < 0 ? "" : rest.substring(space + 1).trim();
        }
        if (rest.isEmpty()) {
            throw error("Parameter 'uri' is missing");
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("uri", rest.startsWith("\"") ? quoted(rest) : rest);
        if (blocks) {
            args.put("blk", true);
        }
        if (!detach) {
            args.put("__hmp-wait", true);
        }
        return args;
    }

    /**
     * A URI in double quotes, as QEMU's HMP takes one with spaces ({@code migrate "exec:cat > FILE"}): backslash
     * escapes a quote, a backslash, n or r; nothing may follow the closing quote.
     */
    private static String quoted(String text) throws MonitorException {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                if (!text.substring(i + 1).isBlank()) {
                    throw error("migrate: extraneous characters at the end of line");
                }
                return out.toString();
            }
            if (c == '\\' && i + 1 < text.length()) {
                char e = text.charAt(++i);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case '\\', '"', '\'' -> out.append(e);
                    default -> throw error("migrate: unsupported escape code: '\\" + e + "'");
                }
            } else {
                out.append(c);
            }
        }
        throw error("migrate: unterminated string");
    }
}

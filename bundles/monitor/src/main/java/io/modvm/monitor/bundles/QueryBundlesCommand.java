package io.modvm.monitor.bundles;

import io.modvm.api.monitor.MonitorCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code __io.modvm_query-bundles} (HMP {@code info bundles}): every installed bundle with its id, symbolic name,
 * version, state and jar, and the device types, backends, migration transports and monitor commands it provides.
 */
@Component(service = MonitorCommand.class, property = MonitorCommand.PROP_NAME + "=" + QueryBundlesCommand.NAME)
public final class QueryBundlesCommand implements MonitorCommand {
    static final String NAME = "__io.modvm_query-bundles";
    private final BundleContext context;

    @Activate
    public QueryBundlesCommand(BundleContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "show the bundles and the device types, backends, transports and commands each provides";
    }

    @Override
    public String hmpName() {
        return "info bundles";
    }

    @Override
    public Object execute(Map<String, Object> arguments) {
        List<Object> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            out.add(BundleInfos.describe(b));
        }
        return out;
    }

    /** One line per bundle as Gogo's {@code lb} shows it, then one indented line per kind of thing it provides. */
    @Override
    public String formatHmp(Object result) {
        StringBuilder out = new StringBuilder();
        for (Object o : (List<?>) result) {
            Map<?, ?> b = (Map<?, ?>) o;
            out.append(String.format("%4d %-11s %s %s (%s)\r\n", (Long) b.get("id"), b.get("state"), b.get("name"),
                    b.get("version"), b.get("file")));
            provided(out, "devices", b.get("device-types"));
            provided(out, "backends", b.get("backends"));
            provided(out, "transports", b.get("transports"));
            provided(out, "commands", b.get("commands"));
        }
        return out.toString();
    }

    private static void provided(StringBuilder out, String what, Object list) {
        List<?> items = (List<?>) list;
        if (!items.isEmpty()) {
            out.append("       ").append(what).append(": ");
            out.append(String.join(", ", items.stream().map(String::valueOf).toList())).append("\r\n");
        }
    }
}

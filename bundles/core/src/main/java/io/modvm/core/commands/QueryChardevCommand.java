package io.modvm.core.commands;

import io.modvm.api.backend.BackendKinds;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.core.backends.BackendManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code query-chardev} and HMP {@code info chardev}: the character backends, in QEMU 7.2's shape. */
public final class QueryChardevCommand implements MonitorCommand {
    private final BackendManager backends;

    public QueryChardevCommand(BackendManager backends) {
        this.backends = backends;
    }

    @Override
    public String name() {
        return "query-chardev";
    }

    @Override
    public String description() {
        return "show the character devices";
    }

    @Override
    public String hmpName() {
        return "info chardev";
    }

    @Override
    public Object execute(Map<String, Object> arguments) {
        List<Object> out = new ArrayList<>();
        for (BackendManager.Info b : backends.list(BackendKinds.CHARDEV)) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("frontend-open", b.holder() != null);
            c.put("filename", b.description());
            c.put("label", b.id());
            out.add(c);
        }
        return out;
    }

    @Override
    public String formatHmp(Object result) {
        StringBuilder text = new StringBuilder();
        for (Object o : (List<?>) result) {
            Map<?, ?> c = (Map<?, ?>) o;
            text.append(c.get("label")).append(": filename=").append(c.get("filename")).append('\n');
        }
        return text.toString();
    }
}

package io.modvm.core.commands;

import io.modvm.api.backend.BackendKinds;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.api.net.Nic;
import io.modvm.core.backends.BackendManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HMP {@code info network}, as QEMU prints it: each NIC (model, MAC, link) with its backend indented under it,
 * then the backends no NIC uses. Each backend line also says which datapath moves its frames ({@code userspace},
 * or the offload that took the rings), which QEMU leaves out. QEMU has no QMP form; modvm's is
 * {@code __io.modvm_query_network}, a list of NICs and backends.
 */
public final class InfoNetworkCommand implements MonitorCommand {
    public static final String NAME = "__io.modvm_query_network";

    private final Nics nics;
    private final BackendManager backends;

    public InfoNetworkCommand(Nics nics, BackendManager backends) {
        this.nics = nics;
        this.backends = backends;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "show the network state";
    }

    @Override
    public String hmpName() {
        return "info network";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        CommandArguments.allowOnly(arguments);
        Map<String, BackendManager.Info> byId = new LinkedHashMap<>();
        for (BackendManager.Info b : backends.list(BackendKinds.NETDEV)) {
            byId.put(b.id(), b);
        }
        Map<String, Integer> indexes = new HashMap<>();
        List<Object> out = new ArrayList<>();
        for (Nic nic : nics.list()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", nic.id());
            m.put("index", (long) next(indexes, "nic"));
            m.put("type", "nic");
            m.put("model", nic.model());
            m.put("macaddr", nic.mac());
            m.put("link-up", nic.linkUp());
            BackendManager.Info b = nic.netdev() == null ? null : byId.remove(nic.netdev());
            if (b != null) {
                m.put("peer", backend(b, nic.backendInfo(), indexes));
            }
            out.add(m);
        }
        for (BackendManager.Info b : byId.values()) {
            out.add(backend(b, b.description(), indexes));
        }
        return out;
    }

    private static Map<String, Object> backend(BackendManager.Info b, String info, Map<String, Integer> indexes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", b.id());
        m.put("index", (long) next(indexes, b.type()));
        m.put("type", b.type());
        m.put("info", info == null || info.isEmpty() ? b.description() : info);
        return m;
    }

    private static int next(Map<String, Integer> indexes, String type) {
        return indexes.merge(type, 1, Integer::sum) - 1;
    }

    @Override
    public String formatHmp(Object result) {
        StringBuilder s = new StringBuilder();
        for (Object o : (List<?>) result) {
            Map<?, ?> m = (Map<?, ?>) o;
            if ("nic".equals(m.get("type"))) {
                s.append(m.get("name")).append(": index=").append(m.get("index")).append(",type=nic,model=")
                        .append(m.get("model")).append(",macaddr=").append(m.get("macaddr")).append("\n");
                if (!Boolean.TRUE.equals(m.get("link-up"))) {
                    s.append("  link down\n");
                }
                if (m.get("peer") instanceof Map<?, ?> peer) {
                    s.append(" \\ ");
                    line(s, peer);
                }
            } else {
                line(s, m);
            }
        }
        return s.toString();
    }

    private static void line(StringBuilder s, Map<?, ?> b) {
        s.append(b.get("name")).append(": index=").append(b.get("index")).append(",type=").append(b.get("type"));
        Object info = b.get("info");
        if (info != null && !info.toString().isEmpty()) {
            s.append(',').append(info);
        }
        s.append("\n");
    }
}

package io.modvm.core.cli;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code -chardev BACKEND,id=ID,...} as QEMU spells it, turned into the backend specs the devices take
 * ({@code stdio}, {@code file:PATH}, {@code unix:PATH,server,nowait}, {@code null}); a device's
 * {@code chardev=ID} then names one.
 */
final class Chardevs {
    private final Map<String, String> specs = new HashMap<>();

    void add(String text) throws UsageException {
        OptionList options = OptionList.parse(text);
        String backend = options.implied();
        Map<String, String> values = options.values();
        String id = values.get("id");
        if (id == null || id.isEmpty()) {
            throw new UsageException("-chardev " + text + ": no id given; use e.g. -chardev stdio,id=c0");
        }
        String spec = switch (backend == null ? "" : backend) {
            case "stdio" -> "stdio";
            case "null" -> "null";
            case "file" -> "file:" + required(text, values, "path");
            case "socket" -> socket(text, values);
            default -> throw new UsageException("-chardev " + text + ": unsupported backend '" + backend
                    + "'; use stdio, file,path=P, socket,path=P,server=on,wait=off or null");
        };
        if (specs.putIfAbsent(id, spec) != null) {
            throw new UsageException("-chardev " + text + ": duplicate id '" + id + "'");
        }
    }

    private static String socket(String text, Map<String, String> values) throws UsageException {
        String path = required(text, values, "path");
        boolean server = values.containsKey("server") && !"off".equals(values.get("server"));
        if (!server) {
            throw new UsageException("-chardev " + text + ": modvm serves sockets only; add server=on,wait=off");
        }
        boolean wait = !values.containsKey("nowait") && !"off".equals(values.getOrDefault("wait", "on"));
        return "unix:" + path + ",server" + (wait ? "" : ",nowait");
    }

    private static String required(String text, Map<String, String> values, String key) throws UsageException {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            throw new UsageException("-chardev " + text + ": no " + key + "= given");
        }
        return v;
    }

    /** The spec for {@code chardev=value}: a -chardev id resolves to its backend, anything else stays as given. */
    String resolve(String value) {
        return specs.getOrDefault(value, value);
    }
}

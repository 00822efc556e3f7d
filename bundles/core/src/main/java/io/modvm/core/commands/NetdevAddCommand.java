package io.modvm.core.commands;

import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.DeviceException;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.core.backends.BackendManager;
import io.modvm.core.options.OptionList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * QMP {@code netdev_add} ({@code type}, {@code id} and the backend's options, flat, as QEMU 7.2's Netdev) and HMP
 * {@code netdev_add TYPE,id=ID,...} (the {@code -netdev} syntax): opens a network backend that a
 * {@code device_add MODEL,netdev=ID} can then take. A list option ({@code user}'s {@code hostfwd}, QAPI's
 * {@code [{"str": ...}]}, or a key repeated in the HMP form) reaches the backend as the command line's does: its
 * values joined by {@link OptionList#REPEAT_SEPARATOR}.
 */
public final class NetdevAddCommand implements MonitorCommand {
    private final BackendManager backends;

    public NetdevAddCommand(BackendManager backends) {
        this.backends = backends;
    }

    @Override
    public String name() {
        return "netdev_add";
    }

    @Override
    public String description() {
        return "add host network device, like -netdev on the command line";
    }

    @Override
    public String hmpName() {
        return "netdev_add";
    }

    @Override
    public String hmpArguments() {
        return "[user|tap|vhost-user],id=str[,prop=value][,...]";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        String type = CommandArguments.requireString(arguments, "type");
        String id = CommandArguments.requireString(arguments, "id");
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, Object> a : arguments.entrySet()) {
            if (!a.getKey().equals("type") && !a.getKey().equals("id")) {
                options.put(a.getKey(), a.getValue() instanceof List<?> list ? joined(a.getKey(), list)
                        : CommandArguments.scalar(a.getKey(), a.getValue()));
            }
        }
        try {
            backends.add(BackendKinds.NETDEV, type, id, options);
        } catch (DeviceException e) {
            throw CommandArguments.generic(e.getMessage());
        }
        return new LinkedHashMap<String, Object>();
    }

    /** A QAPI list of strings, each a string or QAPI's {@code String} wrapper, {@code {"str": ...}}. */
    private static String joined(String key, List<?> list) throws MonitorException {
        List<String> values = new ArrayList<>();
        for (Object item : list) {
            Object value = item instanceof Map<?, ?> wrapper && wrapper.size() == 1 ? wrapper.get("str") : item;
            if (!(value instanceof String text)) {
                throw CommandArguments.generic("Parameter '" + key + "' expects a list of strings or of "
                        + "{\"str\": string}");
            }
            values.add(text);
        }
        return String.join(OptionList.REPEAT_SEPARATOR, values);
    }

    /** HMP: {@code netdev_add TYPE,id=ID,...}, as {@code -netdev}. */
    @Override
    public Map<String, Object> parseHmp(String text) throws MonitorException {
        OptionList parsed = OptionList.parse(text.strip());
        Map<String, Object> arguments = new LinkedHashMap<>();
        String type = parsed.implied();
        if (type == null || type.isEmpty()) {
            throw CommandArguments.generic("Parameter 'type' is missing");
        }
        arguments.put("type", type);
        arguments.putAll(parsed.joinedValues());
        if (parsed.values().containsKey("id")) {
            arguments.put("id", parsed.values().get("id"));
        }
        return arguments;
    }
}

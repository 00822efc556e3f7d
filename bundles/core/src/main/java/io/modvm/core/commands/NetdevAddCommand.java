package io.modvm.core.commands;

import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.DeviceException;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.core.backends.BackendManager;
import io.modvm.core.options.OptionList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * QMP {@code netdev_add} ({@code type}, {@code id} and the backend's options, flat, as QEMU 7.2's Netdev) and HMP
 * {@code netdev_add TYPE,id=ID,...} (the {@code -netdev} syntax): opens a network backend that a
 * {@code device_add MODEL,netdev=ID} can then take.
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
                options.put(a.getKey(), CommandArguments.scalar(a.getKey(), a.getValue()));
            }
        }
        try {
            backends.add(BackendKinds.NETDEV, type, id, options);
        } catch (DeviceException e) {
            throw CommandArguments.generic(e.getMessage());
        }
        return new LinkedHashMap<String, Object>();
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
        arguments.putAll(parsed.values());
        return arguments;
    }
}

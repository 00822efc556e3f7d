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
 * QMP {@code chardev-add} ({@code id}, {@code backend: {type, data}} in QEMU 7.2's ChardevBackend shape) and HMP
 * {@code chardev-add} (the {@code -chardev} syntax): opens a character backend that a {@code device_add
 * ...,chardev=ID} can then take.
 */
public final class ChardevAddCommand implements MonitorCommand {
    private final BackendManager backends;

    public ChardevAddCommand(BackendManager backends) {
        this.backends = backends;
    }

    @Override
    public String name() {
        return "chardev-add";
    }

    @Override
    public String description() {
        return "add chardev, like -chardev on the command line";
    }

    @Override
    public String hmpName() {
        return "chardev-add";
    }

    @Override
    public String hmpArguments() {
        return "args";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        CommandArguments.allowOnly(arguments, "id", "backend");
        String id = CommandArguments.requireString(arguments, "id");
        Map<String, Object> backend = CommandArguments.optionalObject(arguments, "backend");
        if (backend == null) {
            throw CommandArguments.generic("Parameter 'backend' is missing");
        }
        String type = CommandArguments.requireString(backend, "type");
        Map<String, Object> data = CommandArguments.optionalObject(backend, "data");
        Map<String, String> options = options(type, data == null ? Map.of() : data);
        try {
            backends.add(BackendKinds.CHARDEV, type, id, options);
        } catch (DeviceException e) {
            throw CommandArguments.generic(e.getMessage());
        }
        return new LinkedHashMap<String, Object>();
    }

    /** QEMU's ChardevBackend data as the options of the {@code -chardev} that means the same. */
    private static Map<String, String> options(String type, Map<String, Object> data) throws MonitorException {
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, Object> d : data.entrySet()) {
            String key = d.getKey();
            Object value = d.getValue();
            if (type.equals("file") && key.equals("out")) {
                options.put("path", CommandArguments.scalar(key, value));
            } else if (type.equals("socket") && key.equals("addr") && value instanceof Map<?, ?> addr) {
                options.putAll(address(addr));
            } else {
                options.put(key, CommandArguments.scalar(key, value));
            }
        }
        return options;
    }

    /** QEMU's SocketAddressLegacy: {@code {type: unix, data: {path}}}; TCP's host and port pass on to be refused. */
    private static Map<String, String> address(Map<?, ?> addr) throws MonitorException {
        Map<String, String> options = new LinkedHashMap<>();
        if (addr.get("data") instanceof Map<?, ?> data) {
            for (Map.Entry<?, ?> d : data.entrySet()) {
                options.put(String.valueOf(d.getKey()), CommandArguments.scalar(String.valueOf(d.getKey()),
                        d.getValue()));
            }
        }
        return options;
    }

    /** HMP: {@code chardev-add TYPE,id=ID,...}, as {@code -chardev}. */
    @Override
    public Map<String, Object> parseHmp(String text) throws MonitorException {
        OptionList parsed = OptionList.parse(text.strip());
        Map<String, Object> data = new LinkedHashMap<>(parsed.values());
        Object id = data.remove("id");
        if (id == null) {
            throw CommandArguments.generic("chardev-add: no id given; use e.g. chardev-add null,id=c1");
        }
        if (parsed.implied() == null || parsed.implied().isEmpty()) {
            throw CommandArguments.generic("chardev-add: no backend type given; use e.g. chardev-add null,id=c1");
        }
        Map<String, Object> backend = new LinkedHashMap<>();
        backend.put("type", parsed.implied());
        backend.put("data", data);
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("id", id);
        arguments.put("backend", backend);
        return arguments;
    }
}

package io.modvm.core.commands;

import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.DeviceException;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.core.backends.BackendManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * QMP {@code blockdev-add}, in QEMU 7.2's BlockdevOptions shape: {@code driver}, {@code node-name} and the driver's
 * options, nested objects as QEMU's dotted keys ({@code cache: {direct: true}} is {@code cache.direct=on}, an inline
 * {@code file: {driver: file, filename: F}} is {@code file.filename=F}), a node named by string as it is, and
 * {@code null} as {@code null} ({@code backing: null}).
 */
public final class BlockdevAddCommand implements MonitorCommand {
    private final BackendManager backends;

    public BlockdevAddCommand(BackendManager backends) {
        this.backends = backends;
    }

    @Override
    public String name() {
        return "blockdev-add";
    }

    @Override
    public String description() {
        return "add a block node, like -blockdev on the command line";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        String driver = CommandArguments.requireString(arguments, "driver");
        String nodeName = CommandArguments.requireString(arguments, "node-name");
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, Object> a : arguments.entrySet()) {
            if (!a.getKey().equals("driver") && !a.getKey().equals("node-name")) {
                flatten(a.getKey(), a.getValue(), options);
            }
        }
        try {
            backends.add(BackendKinds.BLOCK, driver, nodeName, options);
        } catch (DeviceException e) {
            throw CommandArguments.generic(e.getMessage());
        }
        return new LinkedHashMap<String, Object>();
    }

    private static void flatten(String key, Object value, Map<String, String> into) throws MonitorException {
        if (value == null) {
            into.put(key, "null");
        } else if (value instanceof Map<?, ?> nested) {
            for (Map.Entry<?, ?> n : nested.entrySet()) {
                flatten(key + "." + n.getKey(), n.getValue(), into);
            }
        } else if (value instanceof List<?>) {
            throw CommandArguments.generic("Parameter '" + key + "': lists are not supported");
        } else {
            into.put(key, CommandArguments.scalar(key, value));
        }
    }
}

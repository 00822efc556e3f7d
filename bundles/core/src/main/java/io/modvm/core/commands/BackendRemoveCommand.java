package io.modvm.core.commands;

import io.modvm.api.device.DeviceException;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.core.backends.BackendManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Removing a backend by its id, as QEMU's {@code chardev-remove} ({@code id}), {@code blockdev-del}
 * ({@code node-name}) and HMP {@code drive_del} (which takes a disk from its device) do: one class, one kind and
 * argument name each.
 */
public final class BackendRemoveCommand implements MonitorCommand {
    private final BackendManager backends;
    private final String name;
    private final String hmpName;
    private final String kind;
    private final String argument;
    private final boolean force;

    /**
     * @param name the QMP name
     * @param hmpName the HMP name, or null
     * @param argument the QMP argument that holds the id
     * @param force whether a backend a device holds is removed anyway
     */
    public BackendRemoveCommand(BackendManager backends, String name, String hmpName, String kind, String argument,
            boolean force) {
        this.backends = backends;
        this.name = name;
        this.hmpName = hmpName;
        this.kind = kind;
        this.argument = argument;
        this.force = force;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "remove a " + kind + " backend";
    }

    @Override
    public String hmpName() {
        return hmpName;
    }

    @Override
    public String hmpArguments() {
        return "id";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        CommandArguments.allowOnly(arguments, argument);
        String id = CommandArguments.requireString(arguments, argument);
        try {
            backends.remove(kind, id, force);
        } catch (DeviceException e) {
            throw CommandArguments.generic(e.getMessage());
        }
        return new LinkedHashMap<String, Object>();
    }

    @Override
    public Map<String, Object> parseHmp(String text) throws MonitorException {
        String id = text.strip();
        if (id.isEmpty() || id.contains(" ")) {
            throw CommandArguments.generic(hmpName + ": string expected");
        }
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put(argument, id);
        return arguments;
    }
}

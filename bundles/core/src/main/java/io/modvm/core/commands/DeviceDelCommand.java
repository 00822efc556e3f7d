package io.modvm.core.commands;

import io.modvm.api.device.DeviceException;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.core.devices.DeviceManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * QMP {@code device_del} ({@code id}) and HMP {@code device_del ID}, as in QEMU 7.2: returns {} at once, and
 * DEVICE_DELETED follows when the device is gone (for a PCI device of a running guest, once the guest has ejected
 * it); an unknown id fails with DeviceNotFound.
 */
public final class DeviceDelCommand implements MonitorCommand {
    private final DeviceManager manager;

    public DeviceDelCommand(DeviceManager manager) {
        this.manager = manager;
    }

    @Override
    public String name() {
        return "device_del";
    }

    @Override
    public String description() {
        return "remove device";
    }

    @Override
    public String hmpName() {
        return "device_del";
    }

    @Override
    public String hmpArguments() {
        return "device";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        CommandArguments.allowOnly(arguments, "id");
        String id = CommandArguments.requireString(arguments, "id");
        try {
            manager.remove(id);
        } catch (DeviceManager.NotFoundException e) {
            throw new MonitorException(MonitorException.DEVICE_NOT_FOUND, e.getMessage());
        } catch (DeviceException e) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, e.getMessage());
        }
        return new LinkedHashMap<String, Object>();
    }

    @Override
    public Map<String, Object> parseHmp(String text) throws MonitorException {
        String id = text.strip();
        if (id.isEmpty() || id.contains(" ")) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, "device_del: string expected");
        }
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("id", id);
        return arguments;
    }
}

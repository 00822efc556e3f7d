package io.modvm.core.commands;

import io.modvm.api.device.DeviceException;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.core.devices.DeviceCatalog;
import io.modvm.core.devices.DeviceManager;
import io.modvm.core.devices.PropertyListing;
import io.modvm.core.options.OptionList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * QMP {@code device_add} ({@code driver}, {@code id}, and the device's properties as further keys) and HMP
 * {@code device_add TYPE,id=X,prop=v}, as in QEMU 7.2: returns {} once the device is plugged, or fails with the
 * reason in QEMU's words where QEMU has them. HMP {@code device_add TYPE,help} (or {@code ,?}) prints the type's
 * properties as {@code -device TYPE,help} does, and plugs nothing.
 */
public final class DeviceAddCommand implements MonitorCommand {
    /** The argument HMP's {@code help} becomes: the command then answers with the help text. */
    private static final String HELP = "help";

    private final DeviceManager manager;
    private final DeviceCatalog catalog;

    public DeviceAddCommand(DeviceManager manager, DeviceCatalog catalog) {
        this.manager = manager;
        this.catalog = catalog;
    }

    @Override
    public String name() {
        return "device_add";
    }

    @Override
    public String description() {
        return "add device, like -device on the command line";
    }

    @Override
    public String hmpName() {
        return "device_add";
    }

    @Override
    public String hmpArguments() {
        return "driver[,prop=value][,...]";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        String driver = CommandArguments.requireString(arguments, "driver");
        if (Boolean.TRUE.equals(arguments.get(HELP))) {
            try {
                return PropertyListing.help(catalog.require(driver));
            } catch (DeviceException e) {
                throw CommandArguments.generic(e.getMessage());
            }
        }
        String id = CommandArguments.optionalString(arguments, "id");
        Map<String, String> properties = new LinkedHashMap<>();
        for (Map.Entry<String, Object> a : arguments.entrySet()) {
            String key = a.getKey();
            if (key.equals("driver") || key.equals("id")) {
                continue;
            }
            Object value = a.getValue();
            if (key.equals("bus") && "pci.0".equals(value)) {
                continue; // the only bus there is
            }
            properties.put(key, CommandArguments.scalar(key, value));
        }
        try {
            manager.add(driver, id, properties);
        } catch (DeviceException e) {
            throw CommandArguments.generic(e.getMessage());
        }
        return new LinkedHashMap<String, Object>();
    }

    @Override
    public Map<String, Object> parseHmp(String text) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        if (text.isBlank()) {
            return arguments;
        }
        OptionList options = OptionList.parse(text.strip());
        if (options.implied() != null && !options.implied().isEmpty()) {
            arguments.put("driver", options.implied());
        }
        arguments.putAll(options.values());
        if (options.values().containsKey(HELP) || options.values().containsKey("?")) {
            arguments.remove("?");
            arguments.put(HELP, true);
        }
        return arguments;
    }

    /** The help text of {@code device_add TYPE,help}; nothing for a plugged device. */
    @Override
    public String formatHmp(Object result) {
        return result instanceof String help ? help.stripTrailing() : "";
    }
}

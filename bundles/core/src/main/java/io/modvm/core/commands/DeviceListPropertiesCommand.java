package io.modvm.core.commands;

import io.modvm.api.device.DeviceFactory;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.core.devices.DeviceCatalog;
import io.modvm.core.devices.PropertyListing;
import java.util.Map;

/**
 * QMP {@code device-list-properties} ({@code typename}), as in QEMU 7.2: the declared properties of a device type
 * the registry holds now, as a list of ObjectPropertyInfo ({@code name}, {@code type}, {@code description},
 * {@code default-value}); an unknown type is {@code DeviceNotFound}.
 */
public final class DeviceListPropertiesCommand implements MonitorCommand {
    public static final String NAME = "device-list-properties";

    private final DeviceCatalog catalog;

    public DeviceListPropertiesCommand(DeviceCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "list the properties of a device type";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        CommandArguments.allowOnly(arguments, "typename");
        String typename = CommandArguments.requireString(arguments, "typename");
        DeviceFactory factory = catalog.find(typename);
        if (factory == null) {
            throw new MonitorException(MonitorException.DEVICE_NOT_FOUND, "Device '" + typename + "' not found");
        }
        return PropertyListing.describe(factory);
    }
}

package io.modvm.core.commands;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.api.net.Nic;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * QEMU's {@code set_link} ({@code name}, {@code up}; HMP {@code set_link NAME on|off}): pulls a NIC's cable out or
 * plugs it back in. {@code name} is the NIC's id or its backend's; the guest hears of it as the NIC's hardware
 * would tell it (virtio-net's status and a configuration interrupt, e1000's link status and interrupt).
 */
public final class SetLinkCommand implements MonitorCommand {
    private final Nics nics;

    public SetLinkCommand(Nics nics) {
        this.nics = nics;
    }

    @Override
    public String name() {
        return "set_link";
    }

    @Override
    public String description() {
        return "change the link status of a network adapter";
    }

    @Override
    public String hmpName() {
        return "set_link";
    }

    @Override
    public String hmpArguments() {
        return "name on|off";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        CommandArguments.allowOnly(arguments, "name", "up");
        String name = CommandArguments.requireString(arguments, "name");
        Boolean up = CommandArguments.optionalBoolean(arguments, "up");
        if (up == null) {
            throw CommandArguments.generic("Parameter 'up' is missing");
        }
        Nic nic = nics.find(name);
        if (nic == null) {
            throw new MonitorException(MonitorException.DEVICE_NOT_FOUND, "Device '" + name + "' not found");
        }
        nic.setLink(up);
        return new LinkedHashMap<String, Object>();
    }

    @Override
    public Map<String, Object> parseHmp(String text) throws MonitorException {
        String[] words = text.strip().split("\\s+");
        if (words.length != 2 || words[0].isEmpty()) {
            throw CommandArguments.generic("set_link: give a NIC and on or off, e.g. set_link net0 off");
        }
        boolean up = switch (words[1]) {
            case "on", "up", "true", "yes" -> true;
            case "off", "down", "false", "no" -> false;
            default -> throw CommandArguments.generic("set_link: '" + words[1] + "' is not on or off");
        };
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("name", words[0]);
        arguments.put("up", up);
        return arguments;
    }
}

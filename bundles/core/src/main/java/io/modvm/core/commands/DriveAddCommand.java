package io.modvm.core.commands;

import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.DeviceException;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.core.backends.BackendManager;
import io.modvm.core.backends.LegacyDrive;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HMP {@code drive_add ADDR if=none,id=ID,file=F,...}, as in QEMU: opens a legacy drive that a later {@code
 * device_add ...,drive=ID} takes (the first word, a PCI address QEMU ignores for {@code if=none}, is required and
 * ignored); it goes with that device. QEMU has no QMP form of it; modvm's is {@value #NAME} with {@code options}.
 */
public final class DriveAddCommand implements MonitorCommand {
    public static final String NAME = "__io.modvm_drive_add";
    private final BackendManager backends;

    public DriveAddCommand(BackendManager backends) {
        this.backends = backends;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "add a drive that a later device_add takes (if=none only)";
    }

    @Override
    public String hmpName() {
        return "drive_add";
    }

    @Override
    public String hmpArguments() {
        return "[[<domain>:]<bus>:]<slot> if=none,id=ID,file=IMAGE[,format=][,readonly=on][,cache=]";
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        CommandArguments.allowOnly(arguments, "options");
        String text = CommandArguments.requireString(arguments, "options");
        try {
            LegacyDrive drive = LegacyDrive.parse(text);
            if (!drive.where().equals("none")) {
                throw new DeviceException("drive_add: only if=none is supported; then device_add ...,drive=ID");
            }
            backends.addLegacy(BackendKinds.BLOCK, LegacyDrive.BACKEND_TYPE, drive.id(), drive.backend());
        } catch (DeviceException e) {
            throw CommandArguments.generic(e.getMessage());
        }
        return new LinkedHashMap<String, Object>();
    }

    @Override
    public Map<String, Object> parseHmp(String text) throws MonitorException {
        String[] words = text.strip().split("\\s+", 2);
        if (words.length < 2) {
            throw CommandArguments.generic("drive_add: give a slot and the drive's options, e.g. drive_add 0 "
                    + "if=none,id=d1,file=disk.img");
        }
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("options", words[1]);
        return arguments;
    }

    @Override
    public String formatHmp(Object result) {
        return "OK\n";
    }
}

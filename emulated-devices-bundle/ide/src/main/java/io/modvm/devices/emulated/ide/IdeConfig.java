package io.modvm.devices.emulated.ide;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceProperties;
import io.modvm.api.device.DeviceProperty;
import java.util.List;

/**
 * The properties of one {@code ide-hd} or {@code ide-cd}, with QEMU's names: {@code drive} (a {@code -drive}'s id),
 * {@code bus} ({@code ide.0} is the primary channel, {@code ide.1} the secondary) and {@code unit} (0 master, 1
 * slave; without them the first free place, primary master first), {@code serial} and {@code model} for IDENTIFY
 * and INQUIRY, and {@code bootindex}, which firmware reads from the boot order and the drive itself ignores.
 *
 * @param bus the channel, or -1 for the first with a free unit
 * @param unit the unit, or -1 for the first free one on the channel
 */
record IdeConfig(String drive, int bus, int unit, String serial, String model, int bootindex) {
    static List<DeviceProperty> properties(String defaultModel) {
        return List.of(
                DeviceProperty.string("drive", "ID of a -drive to use as the medium"),
                DeviceProperty.choice("bus", "the IDE channel: ide.0 (primary, ports 0x1f0, IRQ 14) or ide.1 "
                        + "(secondary, 0x170, IRQ 15); by default the first with a free unit", "ide.0", "ide.1"),
                DeviceProperty.integer("unit", "0 for master, 1 for slave; by default the first free one")
                        .range(0, 1),
                DeviceProperty.string("serial", "serial number IDENTIFY reports (at most 20 characters); by "
                        + "default QM and the drive's number"),
                DeviceProperty.string("model", "model IDENTIFY and INQUIRY report (at most 40 characters)")
                        .withDefault(defaultModel),
                DeviceProperty.integer("bootindex", "place in the firmware's boot order").range(-1,
                        Integer.MAX_VALUE).withDefault(-1),
                DeviceProperty.string("ver", "accepted for QEMU compatibility; the firmware revision is 2.5+"));
    }

    static IdeConfig parse(String type, DeviceProperties p) throws DeviceException {
        String drive = p.string("drive");
        if (drive == null || drive.isEmpty()) {
            throw new DeviceException(type + ": property 'drive' is required: give the id of a -drive (an empty "
                    + "drive is not supported)");
        }
        String serial = p.string("serial");
        if (serial != null && (serial.length() > 20 || !ascii(serial))) {
            throw new DeviceException(type + ": property 'serial' takes at most 20 ASCII characters");
        }
        String model = p.string("model");
        if (model.length() > 40 || !ascii(model)) {
            throw new DeviceException(type + ": property 'model' takes at most 40 ASCII characters");
        }
        int bus = p.isSet("bus") ? p.string("bus").charAt(4) - '0' : -1;
        int unit = p.isSet("unit") ? (int) p.integer("unit") : -1;
        return new IdeConfig(drive, bus, unit, serial, model, (int) p.integer("bootindex"));
    }

    private static boolean ascii(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7F);
    }
}

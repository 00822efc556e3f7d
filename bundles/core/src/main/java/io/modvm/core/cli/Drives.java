package io.modvm.core.cli;

import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.DeviceException;
import io.modvm.core.backends.BackendSpec;
import io.modvm.core.backends.LegacyDrive;
import io.modvm.core.devices.DeviceSpec;
import io.modvm.core.options.OptionList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line's disks, as QEMU reads them: {@code -drive} opens a block backend (a legacy drive, deleted with
 * the device that takes it) and, with {@code if=virtio}, plugs a virtio disk on it at once; {@code -blockdev} opens
 * a block node that stays until {@code blockdev-del}. A device's {@code drive=ID} names either.
 */
final class Drives {
    private final List<BackendSpec> backends;
    private final String virtioDevice;
    private int anonymous;

    /**
     * @param backends where the backends go, in command-line order
     * @param virtioDevice the device type {@code if=virtio} plugs
     */
    Drives(List<BackendSpec> backends, String virtioDevice) {
        this.backends = backends;
        this.virtioDevice = virtioDevice;
    }

    /** {@code -drive TEXT}: its backend, and for {@code if=virtio} its device added to {@code devices}. */
    void drive(String text, List<DeviceSpec> devices) throws UsageException {
        LegacyDrive drive;
        try {
            drive = LegacyDrive.parse(text);
        } catch (DeviceException e) {
            throw new UsageException("-drive " + text + ": " + e.getMessage());
        }
        // QEMU names the drives of if=virtio virtio0, virtio1, ... when they have no id.
        String id = drive.id() != null ? drive.id() : "virtio" + anonymous++;
        backends.add(new BackendSpec(BackendKinds.BLOCK, LegacyDrive.BACKEND_TYPE, id, drive.backend(),
                "-drive " + text, true));
        if (drive.where().equals("virtio")) {
            Map<String, String> properties = new LinkedHashMap<>(drive.device());
            properties.put("drive", id);
            devices.add(new DeviceSpec(virtioDevice, null, properties, "-drive " + text));
        }
    }

    /** {@code -blockdev driver=TYPE,node-name=ID,...}, as QEMU's dotted key=value form. */
    void blockdev(String text) throws UsageException {
        OptionList options = OptionList.parse(text);
        Map<String, String> values = new LinkedHashMap<>(options.values());
        String driver = values.remove("driver");
        String nodeName = values.remove("node-name");
        if (driver == null || driver.isEmpty()) {
            throw new UsageException("-blockdev " + text + ": Parameter 'driver' is missing; use e.g. -blockdev "
                    + "driver=file,node-name=disk0,filename=disk.img");
        }
        if (nodeName == null || nodeName.isEmpty()) {
            throw new UsageException("-blockdev " + text + ": give the node a node-name=NAME for -device "
                    + "...,drive=NAME");
        }
        backends.add(new BackendSpec(BackendKinds.BLOCK, driver, nodeName, values, "-blockdev " + text, false));
    }
}

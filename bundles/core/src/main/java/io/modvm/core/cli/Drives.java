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
 * the device that takes it) and, with {@code if=virtio} or {@code if=ide}, plugs a disk on it at once;
 * {@code -hda}..{@code -hdd}, {@code -cdrom} and a bare image name are IDE drives at fixed places; {@code -blockdev}
 * opens a block node that stays until {@code blockdev-del}. A device's {@code drive=ID} names either.
 */
final class Drives {
    /** QEMU pc's IDE controller has two buses of two units each: index = bus * 2 + unit. */
    static final int IDE_BUSES = 2;
    static final int IDE_UNITS = 2;

    private final List<BackendSpec> backends;
    private final ShorthandTypes types;
    private final String[] ideSlots = new String[IDE_BUSES * IDE_UNITS];
    private int anonymous;

    /**
     * @param backends where the backends go, in command-line order
     * @param types the device types {@code if=virtio} and {@code if=ide} plug
     */
    Drives(List<BackendSpec> backends, ShorthandTypes types) {
        this.backends = backends;
        this.types = types;
    }

    /**
     * {@code -drive TEXT}: its backend, and for {@code if=virtio} or {@code if=ide} its device, added to
     * {@code devices}.
     */
    void drive(String text, List<DeviceSpec> devices) throws UsageException {
        LegacyDrive drive;
        try {
            drive = LegacyDrive.parse(text);
        } catch (DeviceException e) {
            throw new UsageException("-drive " + text + ": " + e.getMessage());
        }
        add(drive, "-drive " + text, devices);
    }

    /**
     * QEMU's {@code -hda FILE} .. {@code -hdd FILE} ({@code index} 0-3) and {@code -cdrom FILE} ({@code index} 2,
     * {@code media=cdrom}): an IDE drive of the file, whose name is taken whole (commas are not options here).
     *
     * @param origin the option as errors name it ({@code -hda disk.img})
     */
    void ide(String file, int index, boolean cdrom, String origin, List<DeviceSpec> devices) throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("file", file);
        values.put("if", "ide");
        values.put("index", Integer.toString(index));
        values.put("media", cdrom ? "cdrom" : "disk");
        try {
            add(LegacyDrive.of(values), origin, devices);
        } catch (DeviceException e) {
            throw new UsageException(origin + ": " + e.getMessage());
        }
    }

    private void add(LegacyDrive drive, String origin, List<DeviceSpec> devices) throws UsageException {
        String id = drive.id();
        Map<String, String> properties = new LinkedHashMap<>(drive.device());
        String type = null;
        if (drive.where().equals("ide")) {
            int slot = ideSlot(drive, origin);
            int bus = slot / IDE_UNITS;
            int unit = slot % IDE_UNITS;
            // QEMU's names: ide0-hd0 for -hda, ide1-cd0 for -cdrom.
            id = id != null ? id : "ide" + bus + (drive.cdrom() ? "-cd" : "-hd") + unit;
            ideSlots[slot] = origin;
            type = drive.cdrom() ? types.ideCdrom() : types.ideDisk();
            properties.put("bus", "ide." + bus);
            properties.put("unit", Integer.toString(unit));
        } else if (drive.where().equals("virtio")) {
            // QEMU names the drives of if=virtio virtio0, virtio1, ... when they have no id.
            id = id != null ? id : "virtio" + anonymous++;
            type = types.virtioDrive();
        }
        backends.add(new BackendSpec(BackendKinds.BLOCK, LegacyDrive.BACKEND_TYPE, id, drive.backend(), origin,
                true));
        if (type != null) {
            Map<String, String> device = new LinkedHashMap<>();
            device.put("drive", id);
            device.putAll(properties);
            devices.add(new DeviceSpec(type, null, device, origin));
        }
    }

    /** Where an IDE drive goes: its index, bus and unit as QEMU reads them, or the first free place. */
    private int ideSlot(LegacyDrive drive, String origin) throws UsageException {
        if (drive.index() >= 0 && (drive.bus() >= 0 || drive.unit() >= 0)) {
            throw new UsageException(origin + ": index= cannot go with bus= or unit=; give index=N alone, or bus= "
                    + "and unit=");
        }
        if (drive.index() >= IDE_BUSES * IDE_UNITS) {
            throw new UsageException(origin + ": index=" + drive.index() + " is past the last IDE place; the pc "
                    + "machine has index 0-3 (bus 0 and 1, unit 0 and 1)");
        }
        if (drive.bus() >= IDE_BUSES) {
            throw new UsageException(origin + ": bus=" + drive.bus() + " does not exist; the pc machine has IDE "
                    + "bus 0 and 1");
        }
        if (drive.unit() >= IDE_UNITS) {
            throw new UsageException(origin + ": unit=" + drive.unit() + " is too big (max is 1); an IDE bus "
                    + "has units 0 and 1");
        }
        int slot;
        if (drive.index() >= 0) {
            slot = drive.index();
        } else if (drive.unit() >= 0) {
            slot = Math.max(drive.bus(), 0) * IDE_UNITS + drive.unit();
        } else {
            slot = firstFree(Math.max(drive.bus(), 0) * IDE_UNITS, origin);
        }
        if (ideSlots[slot] != null) {
            throw new UsageException(String.format("%s: IDE bus %d unit %d (index=%d) already has a drive (%s); "
                    + "give each drive its own place", origin, slot / IDE_UNITS, slot % IDE_UNITS, slot,
                    ideSlots[slot]));
        }
        return slot;
    }

    private int firstFree(int from, String origin) throws UsageException {
        for (int slot = from; slot < ideSlots.length; slot++) {
            if (ideSlots[slot] == null) {
                return slot;
            }
        }
        throw new UsageException(origin + ": every IDE place from there on has a drive; the pc machine has four "
                + "(-hda..-hdd); use if=virtio for more disks");
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

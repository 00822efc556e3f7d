package io.modvm.core.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The device types that the command line's shorthand options create, as the command-line component's
 * configuration names them: the core itself names no device type.
 *
 * @param chipset the devices every PC has, {@code -nodefaults} or not (as in QEMU, which only drops the default
 *     serial port, NIC and display)
 * @param serial what {@code -serial} plugs
 * @param virtioDrive what {@code -drive if=virtio} plugs
 * @param virtioBalloon what {@code -balloon virtio} plugs
 * @param nic what {@code -nic} and {@code -net nic} plug without {@code model=} (QEMU's default NIC of the machine)
 * @param ideDisk what {@code -hda}..{@code -hdd}, a bare image name and {@code -drive if=ide} plug
 * @param ideCdrom what {@code -cdrom} and {@code -drive if=ide,media=cdrom} plug
 */
record ShorthandTypes(List<String> chipset, String serial, String virtioDrive, String virtioBalloon, String nic,
        String ideDisk, String ideCdrom) {
    static final String CHIPSET = "machine.devices";
    static final String SERIAL = "serial.device";
    static final String VIRTIO_DRIVE = "drive.virtio.device";
    static final String VIRTIO_BALLOON = "balloon.virtio.device";
    static final String NIC = "nic.device";
    static final String IDE_DISK = "drive.ide.device";
    static final String IDE_CDROM = "drive.ide.cdrom.device";
    /** QEMU's names of the IDE devices, which an IDE bundle provides. */
    static final String DEFAULT_IDE_DISK = "ide-hd";
    static final String DEFAULT_IDE_CDROM = "ide-cd";

    ShorthandTypes {
        chipset = List.copyOf(chipset);
    }

    /** The types of a configuration that names no IDE devices: QEMU's {@code ide-hd} and {@code ide-cd}. */
    ShorthandTypes(List<String> chipset, String serial, String virtioDrive, String virtioBalloon, String nic) {
        this(chipset, serial, virtioDrive, virtioBalloon, nic, DEFAULT_IDE_DISK, DEFAULT_IDE_CDROM);
    }

    /**
     * Framework property: the chipset of an assembly that lacks some of the default one's bundles (its
     * {@code -runproperties}), a comma-separated list, possibly empty; it replaces {@link #CHIPSET}.
     */
    static final String ASSEMBLY_CHIPSET = "modvm.machine.devices";

    /** Reads the component's configuration ({@link #CHIPSET} is a comma-separated list). */
    static ShorthandTypes from(Map<String, Object> config) {
        return from(config, null);
    }

    /** As {@link #from(Map)}, with the assembly's chipset (framework property {@link #ASSEMBLY_CHIPSET}) if set. */
    static ShorthandTypes from(Map<String, Object> config, String assemblyChipset) {
        String chipset = (assemblyChipset != null ? assemblyChipset
                : String.valueOf(config.getOrDefault(CHIPSET, ""))).strip();
        return new ShorthandTypes(chipset.isEmpty() ? List.of() : Arrays.asList(chipset.split(",")),
                String.valueOf(config.get(SERIAL)), String.valueOf(config.get(VIRTIO_DRIVE)),
                String.valueOf(config.get(VIRTIO_BALLOON)), String.valueOf(config.getOrDefault(NIC, "e1000")),
                String.valueOf(config.getOrDefault(IDE_DISK, DEFAULT_IDE_DISK)),
                String.valueOf(config.getOrDefault(IDE_CDROM, DEFAULT_IDE_CDROM)));
    }
}

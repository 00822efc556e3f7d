package io.modvm.virtio.blk;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceProperty;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The properties of one {@code virtio-blk-pci}, checked. As in QEMU the disk is a block backend the device names
 * with {@code drive=ID} (a {@code -drive}, {@code -blockdev} or {@code blockdev-add}); modvm also takes the image
 * on the device itself ({@code file=}, with {@code format}, {@code readonly} and {@code cache} as {@code -drive}
 * spells them), which opens a drive for this device alone. Every error is one line naming the property and what it
 * accepts.
 *
 * @param drive the block backend's id, or (with {@code file}) the name {@code query-block} reports
 * @param image the {@code -drive} options of the device's own image, or null when {@code drive} names a backend
 * @param serial the GET_ID string (at most 20 bytes), or empty
 */
record BlkConfig(String drive, Map<String, String> image, String serial) {
    static final String TYPE = "virtio-blk-pci";
    private static final String[] ACCEPTED = {"bootindex", "cache", "drive", "file", "format", "readonly",
        "serial"};
    /** What the core checks before {@link #parse}. */
    static final List<DeviceProperty> PROPERTIES = List.of(
            DeviceProperty.string("drive", "ID of a block backend (-drive if=none, -blockdev, blockdev-add)"),
            DeviceProperty.string("serial", "disk serial number, at most 20 bytes"),
            DeviceProperty.string("file", "an image of the device's own, instead of drive="),
            DeviceProperty.string("format", "with file=: the image format, as -drive takes it"),
            DeviceProperty.bool("readonly", "with file=: open the image read-only"),
            DeviceProperty.string("cache", "with file=: the cache mode, as -drive takes it"),
            // The machine reads it from the command line for the firmware's boot order; the device has no use for it.
            DeviceProperty.integer("bootindex", "the firmware's boot order: the lowest boots first")
                    .range(-1, Integer.MAX_VALUE));
    private static final Set<String> IMAGE_OPTIONS = Set.of("file", "format", "readonly", "cache");
    /** The core names every device, so {@code id} is never unknown. */
    private static final String ID = "id";

    BlkConfig {
        image = image == null ? null : Map.copyOf(image);
    }

    static BlkConfig parse(String deviceId, Map<String, String> properties) throws DeviceException {
        Map<String, String> p = properties == null ? Map.of() : properties;
        Set<String> known = Set.of(ACCEPTED);
        for (String name : new TreeSet<>(p.keySet())) {
            if (!ID.equals(name) && !known.contains(name)) {
                throw new DeviceException(TYPE + ": unknown property '" + name + "'; accepted: "
                        + String.join(", ", Arrays.asList(ACCEPTED)));
            }
        }
        String file = p.get("file");
        Map<String, String> image = null;
        if (file != null) {
            if (file.isEmpty()) {
                throw new DeviceException(TYPE + ": property 'file' is empty; give the image path, e.g. file=disk.img");
            }
            image = new LinkedHashMap<>();
            for (String option : IMAGE_OPTIONS) {
                if (p.containsKey(option)) {
                    image.put(option, p.get(option));
                }
            }
        } else {
            for (String option : IMAGE_OPTIONS) {
                if (p.containsKey(option)) {
                    throw new DeviceException(TYPE + ": property '" + option + "' belongs to the drive; give it on "
                            + "the -drive or -blockdev that drive= names, or give file= here");
                }
            }
            if (!p.containsKey("drive")) {
                throw new DeviceException(TYPE + ": no disk given; name a block backend with drive=ID (a -drive "
                        + "if=none, -blockdev or blockdev-add) or give the image with file=IMAGE");
            }
        }
        String drive = p.getOrDefault("drive", deviceId);
        if (drive == null || drive.isEmpty()) {
            throw new DeviceException(TYPE + ": property 'drive' is empty; give the drive id, e.g. drive=d0");
        }
        String serial = p.getOrDefault("serial", "");
        if (serial.getBytes(StandardCharsets.UTF_8).length > VirtioBlk.ID_BYTES) {
            throw new DeviceException(TYPE + ": serial '" + serial + "' is longer than " + VirtioBlk.ID_BYTES
                    + " bytes; shorten it");
        }
        return new BlkConfig(drive, image, serial);
    }
}

package io.modvm.virtio.blk;

import io.modvm.api.device.DeviceException;
import io.modvm.virtio.blk.image.CacheMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The properties of one {@code virtio-blk-pci}, checked: the core maps QEMU's {@code -drive} and {@code -device
 * virtio-blk-pci,drive=} onto these. Every error is one line naming the property and what it accepts.
 *
 * @param file the image path
 * @param format {@code raw}, {@code qcow2}, or null to probe
 * @param readOnly whether the guest may only read
 * @param cache the host cache mode
 * @param drive the drive id that {@code query-block} reports
 * @param serial the GET_ID string (at most 20 bytes), or empty
 */
record BlkConfig(Path file, String format, boolean readOnly, CacheMode cache, String drive, String serial) {
    static final String TYPE = "virtio-blk-pci";
    private static final String[] ACCEPTED = {"cache", "drive", "file", "format", "readonly", "serial"};
    /** The core names every device, so {@code id} is never unknown. */
    private static final String ID = "id";

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
        if (file == null || file.isEmpty()) {
            throw new DeviceException(TYPE + ": property 'file' is required; give the image path, e.g."
                    + " file=disk.img");
        }
        String format = p.get("format");
        if (format != null && !format.equals("raw") && !format.equals("qcow2")) {
            throw new DeviceException(TYPE + ": format '" + format + "' is not supported; use raw or qcow2");
        }
        boolean readOnly = parseSwitch(p.get("readonly"));
        String cacheText = p.getOrDefault("cache", "writeback");
        CacheMode cache = CacheMode.parse(cacheText);
        if (cache == null) {
            throw new DeviceException(TYPE + ": cache '" + cacheText + "' is not a cache mode; use one of "
                    + CacheMode.accepted());
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
        return new BlkConfig(Path.of(file), format, readOnly, cache, drive, serial);
    }

    private static boolean parseSwitch(String value) throws DeviceException {
        if (value == null) {
            return false;
        }
        return switch (value) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new DeviceException(TYPE + ": readonly '" + value + "' is not a switch; use on or off");
        };
    }
}

package io.modvm.core.cli;

import io.modvm.core.devices.DeviceSpec;
import io.modvm.core.options.OptionList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code -drive}, as QEMU reads it: {@code if=virtio} (the default here, since modvm has no IDE) makes a
 * virtio disk at once; {@code if=none} only names a drive that {@code -device ...,drive=ID} takes, or, once the
 * machine runs, {@code device_add ...,drive=ID} ({@link #unused()}).
 */
final class Drives {
    /** The drive options that describe the image and pass on to the block device. */
    private static final Set<String> IMAGE_OPTIONS = Set.of("file", "format", "readonly", "cache", "serial");
    private static final Set<String> KNOWN = Set.of("file", "format", "readonly", "cache", "serial", "if", "id",
            "media", "index", "discard", "aio");

    private final Map<String, Map<String, String>> named = new HashMap<>();
    private final String virtioDevice;
    private int anonymous;

    /** @param virtioDevice the device type {@code if=virtio} plugs */
    Drives(String virtioDevice) {
        this.virtioDevice = virtioDevice;
    }

    void add(String text, List<DeviceSpec> devices) throws UsageException {
        OptionList options = OptionList.parse(text);
        Map<String, String> values = new LinkedHashMap<>(options.values());
        if (options.implied() != null && !options.implied().isEmpty()) {
            values.putIfAbsent("file", options.implied());
        }
        for (String key : values.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new UsageException("-drive " + text + ": unknown option '" + key + "'; modvm takes file, if, "
                        + "format, readonly, cache, id, serial");
            }
        }
        String file = values.get("file");
        if (file == null || file.isEmpty()) {
            throw new UsageException("-drive " + text + ": no file given; use -drive file=IMAGE,if=virtio");
        }
        String media = values.getOrDefault("media", "disk");
        if (!media.equals("disk")) {
            throw new UsageException("-drive " + text + ": media=" + media + " is not supported; modvm has disks only");
        }
        String where = values.getOrDefault("if", "virtio");
        String id = values.get("id");
        Map<String, String> image = new LinkedHashMap<>();
        for (String key : IMAGE_OPTIONS) {
            if (values.containsKey(key)) {
                image.put(key, values.get(key));
            }
        }
        switch (where) {
            case "virtio" -> {
                String drive = id != null ? id : "virtio" + anonymous++;
                image.put("drive", drive);
                devices.add(new DeviceSpec(virtioDevice, null, image));
            }
            case "none" -> {
                if (id == null || id.isEmpty()) {
                    throw new UsageException("-drive " + text + ": if=none needs id=NAME for -device ...,drive=NAME");
                }
                if (named.putIfAbsent(id, image) != null) {
                    throw new UsageException("-drive " + text + ": duplicate drive id '" + id + "'");
                }
            }
            default -> throw new UsageException("-drive " + text + ": if=" + where + " is not supported; use "
                    + "if=virtio, or if=none with -device " + virtioDevice + ",drive=ID");
        }
    }

    /** A {@code -device} with {@code drive=ID} gets that drive's image options. */
    void attach(String deviceText, Map<String, String> props) throws UsageException {
        String drive = props.get("drive");
        if (drive == null) {
            return;
        }
        Map<String, String> image = named.remove(drive);
        if (image == null) {
            throw new UsageException("-device " + deviceText + ": no -drive if=none,id=" + drive
                    + " (given before -device) or it is already used");
        }
        image.forEach(props::putIfAbsent);
    }

    /** The {@code if=none} drives no {@code -device} took, by id, each with its image options. */
    Map<String, Map<String, String>> unused() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        named.forEach((id, image) -> out.put(id, Map.copyOf(image)));
        return out;
    }
}

package io.modvm.core.backends;

import io.modvm.api.device.DeviceException;
import io.modvm.core.options.OptionList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * QEMU's {@code -drive} options (and HMP {@code drive_add}'s), split into what they mean now: a block backend of
 * type {@code drive} (the image and how to open it) and, for {@code if=virtio}, the properties of the device that
 * takes it ({@code serial}).
 *
 * @param where QEMU's {@code if}: {@code virtio} (the default here, since modvm has no IDE) or {@code none}
 * @param id the drive id, or null if none was given
 * @param backend the backend's options: {@code file}, {@code format}, {@code readonly}, {@code cache},
 *     {@code discard}, {@code aio}
 * @param device the options that go to the device ({@code serial})
 */
public record LegacyDrive(String where, String id, Map<String, String> backend, Map<String, String> device) {
    /** The backend type a drive opens as. */
    public static final String BACKEND_TYPE = "drive";
    private static final Set<String> BACKEND_OPTIONS = Set.of("file", "format", "readonly", "cache", "discard",
            "aio", "detect-zeroes");
    private static final Set<String> DEVICE_OPTIONS = Set.of("serial");
    private static final Set<String> ACCEPTED = Set.of("if", "id", "media", "index");

    public LegacyDrive {
        backend = Map.copyOf(backend);
        device = Map.copyOf(device);
    }

    /**
     * Reads {@code -drive TEXT}.
     *
     * @throws DeviceException naming the option that is wrong and what to give instead
     */
    public static LegacyDrive parse(String text) throws DeviceException {
        OptionList options = OptionList.parse(text);
        Map<String, String> values = new LinkedHashMap<>(options.values());
        if (options.implied() != null && !options.implied().isEmpty()) {
            values.putIfAbsent("file", options.implied());
        }
        Map<String, String> backend = new LinkedHashMap<>();
        Map<String, String> device = new LinkedHashMap<>();
        for (Map.Entry<String, String> v : values.entrySet()) {
            String key = v.getKey();
            if (BACKEND_OPTIONS.contains(key)) {
                backend.put(key, v.getValue());
            } else if (DEVICE_OPTIONS.contains(key)) {
                device.put(key, v.getValue());
            } else if (!ACCEPTED.contains(key)) {
                throw new DeviceException("unknown option '" + key + "'; modvm takes file, if, format, readonly, "
                        + "cache, id, serial, discard, aio");
            }
        }
        String file = backend.get("file");
        if (file == null || file.isEmpty()) {
            throw new DeviceException("no file given; use file=IMAGE,if=virtio");
        }
        String media = values.getOrDefault("media", "disk");
        if (!media.equals("disk")) {
            throw new DeviceException("media=" + media + " is not supported; modvm has disks only");
        }
        String where = values.getOrDefault("if", "virtio");
        if (!where.equals("virtio") && !where.equals("none")) {
            throw new DeviceException("if=" + where + " is not supported; use if=virtio, or if=none with "
                    + "-device ...,drive=ID");
        }
        String id = values.get("id");
        if (where.equals("none") && (id == null || id.isEmpty())) {
            throw new DeviceException("if=none needs id=NAME for -device ...,drive=NAME");
        }
        return new LegacyDrive(where, id == null || id.isEmpty() ? null : id, backend, device);
    }
}

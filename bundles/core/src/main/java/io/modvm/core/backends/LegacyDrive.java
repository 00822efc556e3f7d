package io.modvm.core.backends;

import io.modvm.api.device.DeviceException;
import io.modvm.core.options.OptionList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * QEMU's {@code -drive} options (and HMP {@code drive_add}'s), split into what they mean now: a block backend of
 * type {@code drive} (the image and how to open it), where the drive is attached, and the properties of the device
 * that takes it ({@code serial}).
 *
 * @param where QEMU's {@code if}: {@code virtio} (the default here), {@code ide} or {@code none}
 * @param id the drive id, or null if none was given
 * @param backend the backend's options: {@code file}, {@code format}, {@code readonly}, {@code cache},
 *     {@code discard}, {@code aio}; a CD-ROM's is read-only unless {@code readonly=} says otherwise
 * @param device the options that go to the device ({@code serial})
 * @param cdrom whether {@code media=cdrom} was given
 * @param index QEMU's {@code index=}, or -1 when not given
 * @param bus QEMU's {@code bus=}, or -1 when not given
 * @param unit QEMU's {@code unit=}, or -1 when not given
 */
public record LegacyDrive(String where, String id, Map<String, String> backend, Map<String, String> device,
        boolean cdrom, int index, int bus, int unit) {
    /** The backend type a drive opens as. */
    public static final String BACKEND_TYPE = "drive";
    private static final Set<String> BACKEND_OPTIONS = Set.of("file", "format", "readonly", "cache", "discard",
            "aio", "detect-zeroes");
    private static final Set<String> DEVICE_OPTIONS = Set.of("serial");
    private static final Set<String> ACCEPTED = Set.of("if", "id", "media", "index", "bus", "unit");

    public LegacyDrive {
        backend = Map.copyOf(backend);
        device = Map.copyOf(device);
    }

    /** A drive without media, index, bus or unit: a disk placed wherever its interface puts the next one. */
    public LegacyDrive(String where, String id, Map<String, String> backend, Map<String, String> device) {
        this(where, id, backend, device, false, -1, -1, -1);
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
        return of(values);
    }

    /**
     * Reads a drive's options given one by one, as QEMU's {@code -hda FILE} and {@code -cdrom FILE} set them: a
     * file name is taken whole, commas and all.
     *
     * @throws DeviceException naming the option that is wrong and what to give instead
     */
    public static LegacyDrive of(Map<String, String> values) throws DeviceException {
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
                        + "cache, id, serial, discard, aio, media, index, bus, unit");
            }
        }
        String file = backend.get("file");
        if (file == null || file.isEmpty()) {
            throw new DeviceException("no file given; use file=IMAGE,if=virtio");
        }
        String where = values.getOrDefault("if", "virtio");
        if (!where.equals("virtio") && !where.equals("none") && !where.equals("ide")) {
            throw new DeviceException("if=" + where + " is not supported; use if=ide, if=virtio, or if=none with "
                    + "-device ...,drive=ID");
        }
        String media = values.getOrDefault("media", "disk");
        if (!media.equals("disk") && !media.equals("cdrom")) {
            throw new DeviceException("media=" + media + " is not a medium; use media=disk or media=cdrom");
        }
        boolean cdrom = media.equals("cdrom");
        if (cdrom && where.equals("virtio")) {
            throw new DeviceException("media=cdrom needs an IDE drive; use if=ide, or if=none,id=ID with "
                    + "-device ide-cd,drive=ID");
        }
        if (cdrom) {
            // A CD-ROM is read-only media, as in QEMU.
            backend.putIfAbsent("readonly", "on");
        }
        String id = values.get("id");
        if (where.equals("none") && (id == null || id.isEmpty())) {
            throw new DeviceException("if=none needs id=NAME for -device ...,drive=NAME");
        }
        return new LegacyDrive(where, id == null || id.isEmpty() ? null : id, backend, device, cdrom,
                number(values, "index"), number(values, "bus"), number(values, "unit"));
    }

    private static int number(Map<String, String> values, String key) throws DeviceException {
        String text = values.get(key);
        if (text == null) {
            return -1;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below, as for a negative number
        }
        throw new DeviceException(key + "=" + text + " is not a number from 0 up; use e.g. " + key + "=1");
    }
}

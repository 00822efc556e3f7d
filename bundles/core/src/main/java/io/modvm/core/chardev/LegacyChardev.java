package io.modvm.core.chardev;

import io.modvm.api.device.DeviceException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * QEMU's legacy character device syntax, as {@code -serial} takes it and modvm also takes it after a device's
 * {@code chardev=}: {@code stdio}, {@code mon:stdio}, {@code null}, {@code file:PATH},
 * {@code unix:PATH,server[,nowait]} (or {@code server=on,wait=off}), turned into the type and options of the
 * {@code -chardev} that means the same.
 *
 * @param type the chardev type
 * @param options its {@code -chardev} options
 */
public record LegacyChardev(String type, Map<String, String> options) {
    private static final String UNIX_USAGE = "use unix:PATH,server,nowait";

    public LegacyChardev {
        options = Map.copyOf(options);
    }

    /** True if {@code spec} is written in the legacy syntax (and so is not the id of a {@code -chardev}). */
    public static boolean isLegacy(String spec) {
        return spec.equals("stdio") || spec.equals("mon:stdio") || spec.equals("null") || spec.startsWith("file:")
                || spec.startsWith("unix:");
    }

    /**
     * Reads a legacy spec.
     *
     * @throws DeviceException naming what is wrong and the form to use
     */
    public static LegacyChardev parse(String spec) throws DeviceException {
        if (spec.equals("stdio") || spec.equals("mon:stdio")) {
            return new LegacyChardev("stdio", Map.of());
        }
        if (spec.equals("null")) {
            return new LegacyChardev("null", Map.of());
        }
        if (spec.startsWith("file:") && spec.length() > 5) {
            return new LegacyChardev("file", Map.of("path", spec.substring(5)));
        }
        if (spec.startsWith("unix:")) {
            return unix(spec.substring(5));
        }
        throw new DeviceException("unknown character backend '" + spec + "'; use stdio, file:PATH, "
                + "unix:PATH,server,nowait or null");
    }

    private static LegacyChardev unix(String spec) throws DeviceException {
        String[] parts = spec.split(",", -1);
        if (parts[0].isEmpty()) {
            throw new DeviceException("unix socket chardev needs a path; " + UNIX_USAGE);
        }
        boolean listen = false;
        boolean wait = true;
        for (int i = 1; i < parts.length; i++) {
            switch (parts[i]) {
                case "server", "server=on" -> listen = true;
                case "server=off" -> listen = false;
                case "nowait", "wait=off" -> wait = false;
                case "wait", "wait=on" -> wait = true;
                default -> throw new DeviceException(
                        "unix socket chardev option '" + parts[i] + "' is not known; " + UNIX_USAGE);
            }
        }
        if (!listen) {
            throw new DeviceException("unix socket chardev '" + parts[0] + "': modvm only listens (no client mode); "
                    + UNIX_USAGE);
        }
        Map<String, String> options = new LinkedHashMap<>();
        options.put("path", parts[0]);
        options.put("server", "on");
        options.put("wait", wait ? "on" : "off");
        return new LegacyChardev("socket", options);
    }
}

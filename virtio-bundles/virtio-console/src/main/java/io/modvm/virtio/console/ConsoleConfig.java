package io.modvm.virtio.console;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceProperty;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one console device is given on {@code -device}.
 *
 * @param chardev the backend spec for {@code DeviceContext.charBackend}: {@code stdio}, {@code file:PATH},
 *     {@code null}, {@code unix:PATH,server,nowait}
 * @param cols console width reported with VIRTIO_CONSOLE_F_SIZE, 0 if not given
 * @param rows console height reported with VIRTIO_CONSOLE_F_SIZE, 0 if not given
 */
public record ConsoleConfig(String chardev, int cols, int rows) {
    static final String DEFAULT_CHARDEV = "stdio";
    /** {@code bus} names QEMU's virtio-serial bus; modvm's console is its own bus, so it is accepted and unused. */
    private static final Set<String> ACCEPTED = Set.of("id", "chardev", "bus", "cols", "rows");

    /** What the core checks before {@link #parse}, for a type whose chardev defaults to {@code defaultChardev}. */
    static List<DeviceProperty> properties(String defaultChardev) {
        DeviceProperty chardev = DeviceProperty.string("chardev", "ID of a chardev to use as a backend");
        return List.of(defaultChardev == null ? chardev : chardev.withDefault(defaultChardev),
                DeviceProperty.string("bus", "accepted for QEMU compatibility; each console is its own bus"),
                DeviceProperty.integer("cols", "console width, with rows").range(1, 0xFFFF),
                DeviceProperty.integer("rows", "console height, with cols").range(1, 0xFFFF));
    }

    /** True if the console size was given, so that VIRTIO_CONSOLE_F_SIZE is offered. */
    boolean sizeKnown() {
        return cols > 0 && rows > 0;
    }

    /**
     * Parses the properties of a device of {@code type}.
     *
     * @throws DeviceException naming the bad property and what it accepts
     */
    static ConsoleConfig parse(String type, Map<String, String> properties, String defaultChardev)
            throws DeviceException {
        for (String name : new TreeSet<>(properties.keySet())) {
            if (!ACCEPTED.contains(name)) {
                throw new DeviceException(
                        type + ": unknown property '" + name + "'; accepted: bus, chardev, cols, rows");
            }
        }
        int cols = dimension(type, properties, "cols");
        int rows = dimension(type, properties, "rows");
        if ((cols == 0) != (rows == 0)) {
            throw new DeviceException(type + ": give both cols and rows, or neither");
        }
        String chardev = properties.getOrDefault("chardev", defaultChardev);
        if (chardev != null && chardev.isEmpty()) {
            throw new DeviceException(type + ": chardev is empty; use e.g. chardev=stdio");
        }
        return new ConsoleConfig(chardev, cols, rows);
    }

    private static int dimension(String type, Map<String, String> properties, String name) throws DeviceException {
        String text = properties.get(name);
        if (text == null) {
            return 0;
        }
        if (!text.matches("[0-9]{1,5}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 0xFFFF) {
            throw new DeviceException(type + ": " + name + " '" + text + "' is not a size; use 1..65535");
        }
        return Integer.parseInt(text);
    }
}

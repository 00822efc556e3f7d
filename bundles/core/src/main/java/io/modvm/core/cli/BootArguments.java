package io.modvm.core.cli;

import io.modvm.core.devices.DeviceSpec;
import io.modvm.core.options.OptionList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The command line's {@code -boot} options, as QEMU 7.2 takes them for the pc machine: {@code order=}, {@code once=},
 * {@code menu=}, {@code strict=}, {@code splash=}, {@code splash-time=}, {@code reboot-timeout=}, the old bare form
 * ({@code -boot d}), and modvm's own {@code entry=} (which boot loader entry a disk image boots without firmware).
 * Several {@code -boot} options add up, a later key replacing an earlier one.
 */
final class BootArguments {
    /** The letters QEMU's pc takes in a boot order, and how many at most. */
    private static final String PC_LETTERS = "abcdn";
    private static final int PC_MAX_LETTERS = 3;
    private static final int MAX_MILLIS = 0xFFFF;

    private String order = BootOrder.DEFAULT_ORDER;
    private String once;
    private boolean menu;
    private boolean strict;
    private int splashTime = -1;
    private int rebootTimeout = -1;
    private String entry;

    /** {@code -boot TEXT}. */
    void add(String text) throws UsageException {
        OptionList options = OptionList.parse(text);
        if (options.implied() != null && !options.implied().isEmpty()) {
            order = letters(text, options.implied());
        }
        for (Map.Entry<String, String> e : options.values().entrySet()) {
            String value = e.getValue();
            switch (e.getKey()) {
                case "order" -> order = letters(text, value);
                case "once" -> once = letters(text, value);
                case "menu" -> menu = onOff(text, "menu", value);
                case "strict" -> strict = onOff(text, "strict", value);
                case "splash" -> {
                    // a picture for a graphical boot menu: modvm has no display, as with -nographic
                }
                case "splash-time" -> splashTime = millis(text, "splash-time", value);
                case "reboot-timeout" -> rebootTimeout = value.strip().equals("-1") ? -1
                        : millis(text, "reboot-timeout", value);
                case "entry" -> {
                    if (value.isEmpty()) {
                        throw new UsageException("-boot " + text + ": entry= is empty; name the boot loader entry "
                                + "by its title, its id or its number (entry=0 is the first)");
                    }
                    entry = value;
                }
                default -> throw new UsageException("-boot " + text + ": Invalid parameter '" + e.getKey()
                        + "'; -boot takes order, once, menu, strict, splash, splash-time, reboot-timeout and "
                        + "(modvm) entry");
            }
        }
    }

    /** Whether {@code menu=on}: list the boot entries (a firmware shows its menu). */
    boolean menu() {
        return menu;
    }

    /** {@code entry=}, or null. */
    String entry() {
        return entry;
    }

    /**
     * The boot order of the command line's disks: the devices that take a drive ({@code drive=ID}).
     *
     * @throws UsageException if two devices have the same {@code bootindex}, or one that is not a number
     */
    BootOrder order(List<DeviceSpec> devices, ShorthandTypes types) throws UsageException {
        List<BootDisk> all = new ArrayList<>();
        Map<Integer, BootDisk> indexed = new TreeMap<>();
        Map<Integer, BootDisk> ide = new TreeMap<>();
        for (DeviceSpec device : devices) {
            String drive = device.properties().get("drive");
            if (drive == null || drive.isEmpty()) {
                continue;
            }
            boolean cdrom = device.type().equals(types.ideCdrom()) || device.type().endsWith("-cd");
            BootDisk disk = new BootDisk(drive, cdrom, bootIndex(device), device.origin());
            if (disk.bootIndex() >= 0) {
                BootDisk other = indexed.put(disk.bootIndex(), disk);
                if (other != null) {
                    throw new UsageException(device.origin() + ": bootindex=" + disk.bootIndex() + " is already "
                            + "used by " + other.origin() + "; give each device its own");
                }
            }
            int place = device.type().equals(types.ideDisk()) || device.type().equals(types.ideCdrom())
                    ? ideIndex(device) : -1;
            if (place >= 0) {
                ide.putIfAbsent(place, disk);
            }
            all.add(disk);
        }
        // IDE drives first, in index order, as firmware finds them; then the others as the command line gave them.
        List<BootDisk> found = new ArrayList<>(ide.values());
        all.stream().filter(d -> !found.contains(d)).forEach(found::add);
        List<BootDisk> ordered = new ArrayList<>(indexed.values());
        for (char letter : (once != null ? once : order).toCharArray()) {
            boolean cdrom = letter == 'd';
            if (letter == 'c' || letter == 'd') {
                found.stream().filter(d -> d.cdrom() == cdrom && !ordered.contains(d)).forEach(ordered::add);
            }
        }
        if (!strict) {
            found.stream().filter(d -> !ordered.contains(d)).forEach(ordered::add);
        }
        return new BootOrder(order, once, strict, splashTime, rebootTimeout, ordered);
    }

    private static int bootIndex(DeviceSpec device) throws UsageException {
        String text = device.properties().get("bootindex");
        if (text == null) {
            return -1;
        }
        try {
            return Math.max(Integer.parseInt(text.strip()), -1);
        } catch (NumberFormatException e) {
            throw new UsageException(device.origin() + ": bootindex=" + text + " is not a number; give bootindex=N "
                    + "(0 boots first)");
        }
    }

    /**
     * An IDE device's place, bus * 2 + unit, from the properties {@link Drives} gives it; -1 for a {@code -device}
     * that names no place of that form (it then counts among the other disks).
     */
    private static int ideIndex(DeviceSpec device) {
        String bus = device.properties().get("bus");
        String unit = device.properties().get("unit");
        if (bus == null || unit == null || !bus.matches("ide\\.[0-9]") || !unit.matches("[0-9]")) {
            return -1;
        }
        return (bus.charAt(4) - '0') * Drives.IDE_UNITS + (unit.charAt(0) - '0');
    }

    private static String letters(String text, String value) throws UsageException {
        if (value.isEmpty()) {
            throw new UsageException("-boot " + text + ": no boot device given; use e.g. -boot order=cd (c hard "
                    + "disk, d CD-ROM, n network, a floppy)");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (PC_LETTERS.indexOf(c) < 0) {
                throw new UsageException("-boot " + text + ": Invalid boot device for PC: '" + c + "'; use c "
                        + "(hard disk), d (CD-ROM), n (network), a or b (floppy)");
            }
            if (value.indexOf(c) != i) {
                throw new UsageException("-boot " + text + ": Boot device '" + c + "' was given twice; name each "
                        + "once");
            }
        }
        if (value.length() > PC_MAX_LETTERS) {
            throw new UsageException("-boot " + text + ": Too many boot devices for PC; give at most "
                    + PC_MAX_LETTERS + ", e.g. order=cdn");
        }
        return value;
    }

    private static boolean onOff(String text, String key, String value) throws UsageException {
        return switch (value) {
            case "on", "yes", "true" -> true;
            case "off", "no", "false" -> false;
            default -> throw new UsageException("-boot " + text + ": " + key + "=" + value + " is not a switch; use "
                    + key + "=on or " + key + "=off");
        };
    }

    private static int millis(String text, String key, String value) throws UsageException {
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 0 && n <= MAX_MILLIS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new UsageException("-boot " + text + ": " + key + "=" + value + " is not a time in milliseconds "
                + "from 0 to " + MAX_MILLIS + "; use e.g. " + key + "=5000");
    }
}

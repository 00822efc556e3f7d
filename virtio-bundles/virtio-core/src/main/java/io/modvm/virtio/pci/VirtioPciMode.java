package io.modvm.virtio.pci;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceProperties;
import io.modvm.api.device.DeviceProperty;
import java.util.List;
import java.util.Map;

/**
 * Which virtio-pci interfaces a function offers (virtio 1.2, 4.1.2): both, as QEMU's transitional devices on its
 * {@code pc} machine do by default; the modern one only ({@code disable-legacy=on}); or the legacy one only ({@code
 * disable-modern=on}). A transitional or legacy function has the transitional PCI device ID (0x1000 + the device's
 * legacy ID), revision 0, the virtio device type as subsystem ID, and the legacy registers in an I/O BAR 0; a
 * modern-only one has device ID 0x1040 + type and revision 1. Device types without a legacy ID are modern-only.
 *
 * @since 1.3
 */
public enum VirtioPciMode {
    /** Legacy and modern interfaces side by side; the driver uses one of them. */
    TRANSITIONAL(true, true),
    /** The virtio 1.x interface alone. */
    MODERN(false, true),
    /** The pre-1.0 interface alone, for drivers older than virtio 1.0 (Linux before 4.0). */
    LEGACY(true, false);

    /** The property that turns the legacy interface off: {@code on}, {@code off} or {@code auto} (QEMU's). */
    public static final String DISABLE_LEGACY = "disable-legacy";
    /** The property that turns the modern interface off. */
    public static final String DISABLE_MODERN = "disable-modern";

    /** What every virtio-pci device's factory declares besides its own properties ({@link VirtioPciFactory}). */
    public static final List<DeviceProperty> PROPERTIES = List.of(
            DeviceProperty.choice(DISABLE_LEGACY, "offer no legacy (pre-virtio-1.0) interface; auto is off on this "
                    + "conventional PCI bus, as QEMU's pc", "on", "off", "auto").withDefault("auto"),
            DeviceProperty.bool(DISABLE_MODERN, "offer no modern (virtio 1.x) interface").withDefault(false));

    private final boolean legacy;
    private final boolean modern;

    VirtioPciMode(boolean legacy, boolean modern) {
        this.legacy = legacy;
        this.modern = modern;
    }

    /** The function has the legacy registers in an I/O BAR. */
    public boolean legacy() {
        return legacy;
    }

    /** The function has the modern capabilities and memory BAR. */
    public boolean modern() {
        return modern;
    }

    /**
     * The legacy PCI device ID's low bits for virtio device type {@code deviceType} (virtio 1.2, 4.1.2.3: network
     * 0x1000, block 0x1001, balloon 0x1002, console 0x1003, SCSI 0x1004, entropy 0x1005, 9P 0x1009), or -1 if the type
     * has none and so cannot be transitional.
     */
    public static int legacyDeviceId(int deviceType) {
        return switch (deviceType) {
            case 1 -> 0x1000;
            case 2 -> 0x1001;
            case 5 -> 0x1002;
            case 3 -> 0x1003;
            case 8 -> 0x1004;
            case 4 -> 0x1005;
            case 9 -> 0x1009;
            default -> -1;
        };
    }

    /** What a device of {@code deviceType} gets without the properties: transitional if it has a legacy ID. */
    public static VirtioPciMode defaultFor(int deviceType) {
        return legacyDeviceId(deviceType) < 0 ? MODERN : TRANSITIONAL;
    }

    /**
     * The mode {@link #PROPERTIES} in {@code properties} ask for, for a device of {@code deviceType} on a conventional
     * PCI bus ({@code disable-legacy=auto} keeps the legacy interface there, as QEMU's pc).
     *
     * @param type how messages name the device ({@code virtio-rng-pci})
     * @throws DeviceException one line: a value the properties do not take, both interfaces disabled, or the legacy
     *     interface asked for on a device type that has none
     */
    public static VirtioPciMode of(String type, int deviceType, Map<String, String> properties)
            throws DeviceException {
        Map<String, String> mine = new java.util.LinkedHashMap<>();
        for (String name : List.of(DISABLE_LEGACY, DISABLE_MODERN)) {
            if (properties.containsKey(name)) {
                mine.put(name, properties.get(name));
            }
        }
        DeviceProperties p = DeviceProperties.parse(type, PROPERTIES, mine);
        boolean noModern = p.bool(DISABLE_MODERN);
        String noLegacy = p.string(DISABLE_LEGACY);
        boolean hasLegacy = legacyDeviceId(deviceType) >= 0;
        if (noModern && noLegacy.equals("on")) {
            throw new DeviceException(type + ": disable-legacy=on and disable-modern=on leave the device no "
                    + "interface; drop one of them");
        }
        if (noModern && !hasLegacy) {
            throw new DeviceException(type + ": virtio device type " + deviceType + " has no legacy interface; "
                    + "disable-modern=on is not possible");
        }
        if (noModern) {
            return LEGACY;
        }
        if (noLegacy.equals("on") || !hasLegacy) {
            return MODERN;
        }
        return TRANSITIONAL;
    }
}

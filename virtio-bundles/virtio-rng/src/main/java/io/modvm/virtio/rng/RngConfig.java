package io.modvm.virtio.rng;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceProperty;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * QEMU's virtio-rng-pci rate-limit properties.
 *
 * @param maxBytes bytes the guest may get per period; {@link Long#MAX_VALUE} (QEMU's default) for no limit
 * @param periodMillis the period in milliseconds (QEMU's default 65536)
 */
record RngConfig(long maxBytes, long periodMillis) {
    static final String TYPE = "virtio-rng-pci";
    static final long DEFAULT_PERIOD_MILLIS = 1 << 16;
    private static final Set<String> ACCEPTED = Set.of("id", "max-bytes", "period");
    /** What the core checks before {@link #parse}; QEMU's defaults. */
    static final List<DeviceProperty> PROPERTIES = List.of(
            DeviceProperty.integer("max-bytes", "bytes the guest may get per period").range(1, Long.MAX_VALUE)
                    .withDefault(Long.MAX_VALUE),
            DeviceProperty.integer("period", "the period in milliseconds").range(1, Long.MAX_VALUE / 1_000_000)
                    .withDefault(DEFAULT_PERIOD_MILLIS));

    boolean limited() {
        return maxBytes != Long.MAX_VALUE;
    }

    static RngConfig parse(Map<String, String> properties) throws DeviceException {
        for (String name : new TreeSet<>(properties.keySet())) {
            if (!ACCEPTED.contains(name)) {
                throw new DeviceException(TYPE + ": unknown property '" + name + "'; accepted: max-bytes, period");
            }
        }
        long maxBytes = positive(properties, "max-bytes", Long.MAX_VALUE);
        // QEMU keeps the period's timer in milliseconds of an int64 nanosecond clock; cap it where that stays exact.
        long period = positive(properties, "period", DEFAULT_PERIOD_MILLIS);
        if (period > Long.MAX_VALUE / 1_000_000) {
            throw new DeviceException(TYPE + ": period '" + period + "' is too long; use at most "
                    + Long.MAX_VALUE / 1_000_000 + " (milliseconds)");
        }
        return new RngConfig(maxBytes, period);
    }

    private static long positive(Map<String, String> properties, String name, long fallback)
            throws DeviceException {
        String text = properties.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            long value = text.matches("[0-9]+") ? Long.parseLong(text) : -1;
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException tooLong) {
            // falls through to the message below
        }
        throw new DeviceException(TYPE + ": " + name + " '" + text + "' is not a positive whole number; use e.g. "
                + name + "=" + (name.equals("period") ? "1000" : "1024"));
    }
}

package io.modvm.virtio.balloon;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One report of the guest's memory statistics, as the driver last sent it.
 *
 * @param sequence counts reports since the device was created (1 for the first), so that a reader can tell a new
 *     report from one it has already acted on
 * @param values the statistics the report carried; tags the device does not know are left out
 */
public record GuestStats(long sequence, Map<StatTag, Long> values) {
    /** The report before the driver sent one. */
    public static final GuestStats NONE = new GuestStats(0, Map.of());

    /** Size of one entry on the wire: le16 tag, le64 value, packed. */
    static final int ENTRY_BYTES = 10;

    public GuestStats {
        values = Collections.unmodifiableMap(values.isEmpty() ? Map.of() : new EnumMap<>(values));
    }

    public OptionalLong get(StatTag tag) {
        Long value = values.get(tag);
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    /**
     * Parses {@code length} bytes of stat entries. A repeated tag keeps its last value; a trailing partial entry is
     * ignored.
     */
    static GuestStats parse(long sequence, byte[] bytes, int length) {
        Map<StatTag, Long> values = new EnumMap<>(StatTag.class);
        for (int at = 0; at + ENTRY_BYTES <= length; at += ENTRY_BYTES) {
            StatTag tag = StatTag.of((bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8);
            if (tag != null) {
                long value = 0;
                for (int i = ENTRY_BYTES - 1; i >= 2; i--) {
                    value = (value << 8) | (bytes[at + i] & 0xFF);
                }
                values.put(tag, value);
            }
        }
        return new GuestStats(sequence, values);
    }
}

package io.modvm.api.net;

import java.util.List;

/**
 * How a {@link NetworkAnnouncer} repeats its announcements, as QEMU's {@code AnnounceParameters}: {@code rounds}
 * rounds, the first at once, then {@code initialMillis} later, each wait {@code stepMillis} longer than the one
 * before but never longer than {@code maxMillis}.
 *
 * @param initialMillis the wait after the first round (QEMU's {@code initial}, default 50)
 * @param maxMillis the longest wait between two rounds ({@code max}, default 550)
 * @param rounds how many rounds ({@code rounds}, default 5); 0 for none
 * @param stepMillis how much longer each wait is than the one before ({@code step}, default 100)
 * @param interfaces the ids of the NICs to announce; empty for every NIC
 * @param id names the series: a new series with the id of one still running replaces it; null for a series of its
 *     own
 * @since 1.2
 */
public record AnnounceRounds(long initialMillis, long maxMillis, int rounds, long stepMillis, List<String> interfaces,
        String id) {
    /** QEMU's defaults, for every NIC. */
    public static final AnnounceRounds DEFAULTS = new AnnounceRounds(50, 550, 5, 100, List.of(), null);

    public AnnounceRounds {
        if (initialMillis < 0 || maxMillis < 0 || stepMillis < 0 || rounds < 0) {
            throw new IllegalArgumentException("announce: initial, max, step and rounds cannot be negative");
        }
        interfaces = List.copyOf(interfaces);
    }

    /** The wait after round {@code round} (0 for the first) before the next one. */
    public long waitAfter(int round) {
        return Math.min(initialMillis + round * stepMillis, maxMillis);
    }
}

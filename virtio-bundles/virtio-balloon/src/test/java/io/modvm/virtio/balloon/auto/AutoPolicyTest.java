package io.modvm.virtio.balloon.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.balloon.auto.AutoDecision.Action;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The policy's decisions as a table. Sizes in MiB. Limits: {@code min..max}, host reserve 512 MiB unless a row
 * says otherwise. The guest is "settled" when its size equals its target.
 */
class AutoPolicyTest {
    private static final long MIB = 1L << 20;
    private final AutoPolicy policy = new AutoPolicy();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # case                                              | target | size | avail | host  | min | max  | reserve | action | new
        comfortable guest, roomy host: nothing to do        | 1024   | 1024 | 300   | 8000  | 256 | 2048 | 512     | HOLD   | 1024
        short guest, roomy host: grow to the goal           | 1024   | 1024 | 50    | 8000  | 256 | 2048 | 512     | GROW   | 1218
        short guest, host at reserve: hold                  | 1024   | 1024 | 50    | 512   | 256 | 2048 | 512     | HOLD   | 1024
        short guest, little host room: grow by that only    | 1024   | 1024 | 50    | 612   | 256 | 2048 | 512     | GROW   | 1124
        short guest at max: hold                            | 2048   | 2048 | 50    | 8000  | 256 | 2048 | 512     | HOLD   | 2048
        short guest near max: grow to max, small step ok    | 2040   | 2040 | 50    | 8000  | 256 | 2048 | 512     | GROW   | 2048
        short guest already growing to a higher target: hold| 1400   | 1024 | 50    | 8000  | 256 | 2048 | 512     | HOLD   | 1400
        idle guest: shrink by at most an eighth             | 1024   | 1024 | 900   | 8000  | 256 | 2048 | 512     | SHRINK | 896
        guest just above the high mark: an eighth too      | 1024   | 1024 | 450   | 8000  | 256 | 2048 | 512     | SHRINK | 896
        idle guest still moving: wait                       | 900    | 1024 | 900   | 8000  | 256 | 2048 | 512     | HOLD   | 900
        idle guest at min: hold                             | 256    | 256  | 200   | 8000  | 256 | 2048 | 512     | HOLD   | 256
        idle guest near min: shrink to min                  | 270    | 270  | 200   | 8000  | 256 | 2048 | 512     | SHRINK | 256
        small idle guest: an eighth is below the least step| 200    | 200  | 100   | 8000  | 64  | 2048 | 512     | HOLD   | 200
        host below reserve: shrink by the host's shortfall  | 1024   | 1024 | 300   | 462   | 256 | 2048 | 512     | SHRINK | 974
        host below reserve: no more than the guest spares   | 1024   | 1024 | 300   | 0     | 256 | 2048 | 512     | SHRINK | 905
        host below reserve, guest at its goal: hold         | 1024   | 1024 | 204   | 0     | 256 | 2048 | 512     | HOLD   | 1024
        host below reserve, guest moving: wait              | 1100   | 1024 | 300   | 0     | 256 | 2048 | 512     | HOLD   | 1100
        host below reserve but guest short: hold, not grow  | 1024   | 1024 | 50    | 0     | 256 | 2048 | 512     | HOLD   | 1024
        target below min (set by hand): back to min         | 128    | 128  | 60    | 8000  | 256 | 2048 | 512     | GROW   | 256
        target above max: back to max                       | 3000   | 3000 | 600   | 8000  | 256 | 2048 | 512     | SHRINK | 2048
        available beyond size (nonsense stats): as size     | 1024   | 1024 | 99999 | 8000  | 256 | 2048 | 512     | SHRINK | 896
        """)
    void decides(String name, long target, long size, long avail, long host, long min, long max, long reserve,
            Action action, long expected) {
        AutoDecision d = policy.decide(new AutoInput(target * MIB, size * MIB, avail * MIB, host * MIB),
                new AutoLimits(min * MIB, max * MIB, reserve * MIB, 5));
        assertEquals(action, d.action(), d.reason());
        assertEquals(expected * MIB, d.target(), d.reason());
        assertTrue(d.target() >= min * MIB && d.target() <= max * MIB || action == Action.HOLD, d.reason());
    }

    @ParameterizedTest(name = "guest at {0} MiB available of 1024 settles")
    @CsvSource({"50", "100", "150", "450", "600", "900"})
    void followingItsOwnAdviceItComesToRest(long startAvail) {
        // A guest whose used memory stays fixed: the policy moves it into the band and then stops, never flaps.
        AutoLimits limits = new AutoLimits(256 * MIB, 4096 * MIB, 512 * MIB, 5);
        long used = 1024 * MIB - startAvail * MIB;
        long size = 1024 * MIB;
        int changes = 0;
        Action last = null;
        for (int round = 0; round < 50; round++) {
            AutoDecision d = policy.decide(new AutoInput(size, size, size - used, 64L << 30), limits);
            if (d.action() != Action.HOLD) {
                assertTrue(last == null || last == d.action(), "direction flipped: " + d.reason());
                last = d.action();
                changes++;
                size = d.target();
            }
        }
        assertTrue(changes <= 16, "too many changes: " + changes);
        AutoDecision end = policy.decide(new AutoInput(size, size, size - used, 64L << 30), limits);
        assertEquals(Action.HOLD, end.action(), end.reason());
        long availPercent = (size - used) * 100 / size;
        boolean inBand = availPercent >= AutoPolicy.LOW_PERCENT && availPercent <= AutoPolicy.HIGH_PERCENT;
        assertTrue(inBand || size == limits.min(), "rests at " + availPercent + "% available, " + size / MIB + " MiB");
    }

    @ParameterizedTest(name = "reason names the numbers: {0}")
    @CsvSource({"50", "900"})
    void reasonsCarryTheNumbers(long avail) {
        AutoDecision d = policy.decide(new AutoInput(1024 * MIB, 1024 * MIB, avail * MIB, 8000 * MIB),
                new AutoLimits(256 * MIB, 2048 * MIB, 512 * MIB, 5));
        assertTrue(d.reason().contains("guest 1024 MiB with " + avail + " MiB available"), d.reason());
        assertTrue(d.reason().contains("host available 8000 MiB, reserve 512 MiB"), d.reason());
    }
}

package io.modvm.virtio.balloon.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modvm.virtio.balloon.FakeBalloon;
import io.modvm.virtio.balloon.GuestStats;
import io.modvm.virtio.balloon.StatTag;
import io.modvm.virtio.balloon.auto.AutoDecision.Action;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy's runner: which numbers it feeds the policy, and when it declines to decide. */
class AutoBalloonTest {
    private static final long MIB = 1L << 20;
    private static final AutoLimits LIMITS = new AutoLimits(256 * MIB, 1024 * MIB, 512 * MIB, 5);

    private final FakeBalloon balloon = new FakeBalloon(1024 * MIB);
    private long hostAvailable = 8000 * MIB;
    private final AutoBalloon auto = new AutoBalloon(balloon, () -> hostAvailable, LIMITS, new AutoPolicy());

    @Test
    void withoutStatsItHolds() {
        assertEquals(Action.HOLD, auto.tick().action());
        assertEquals(0, balloon.targetsSet());
    }

    @Test
    void anIdleGuestIsShrunkOnceAndNotAgainOnTheSameStats() {
        balloon.setStats(new GuestStats(1, Map.of(StatTag.AVAILABLE_MEMORY, 900 * MIB)));
        AutoDecision d = auto.tick();
        assertEquals(Action.SHRINK, d.action(), d.reason());
        assertEquals(896 * MIB, balloon.targetMemory());

        balloon.setActual(896 * MIB);
        assertEquals(Action.HOLD, auto.tick().action(), "stale stats drive nothing");
        assertEquals(1, balloon.targetsSet());
    }

    @Test
    void freeMemoryStandsInForAvailableOnOldGuests() {
        balloon.setStats(new GuestStats(1, Map.of(StatTag.FREE_MEMORY, 900 * MIB)));
        assertEquals(Action.SHRINK, auto.tick().action());
    }

    @Test
    void availableWinsOverFree() {
        balloon.setStats(new GuestStats(1, Map.of(StatTag.FREE_MEMORY, 900 * MIB,
                StatTag.AVAILABLE_MEMORY, 300 * MIB)));
        assertEquals(Action.HOLD, auto.tick().action());
    }

    @Test
    void aShortGuestGrowsWhileTheHostHasRoom() {
        balloon.setTargetMemory(512 * MIB);
        balloon.setActual(512 * MIB);
        balloon.setStats(new GuestStats(1, Map.of(StatTag.AVAILABLE_MEMORY, 20 * MIB)));
        AutoDecision d = auto.tick();
        assertEquals(Action.GROW, d.action(), d.reason());
        assertEquals(d.target(), balloon.targetMemory());
    }

    @Test
    void anUnreadableHostPausesThePolicy() {
        AutoBalloon broken = new AutoBalloon(balloon, () -> {
            throw new IOException("gone");
        }, LIMITS, new AutoPolicy());
        balloon.setStats(new GuestStats(1, Map.of(StatTag.AVAILABLE_MEMORY, 900 * MIB)));
        assertEquals(Action.HOLD, broken.tick().action());
        assertEquals(0, balloon.targetsSet());
    }

    @Test
    void statsWithoutMemoryFiguresDriveNothing() {
        balloon.setStats(new GuestStats(1, Map.of(StatTag.SWAP_IN, 5L)));
        assertEquals(Action.HOLD, auto.tick().action());
        assertEquals(0, balloon.targetsSet());
    }
}

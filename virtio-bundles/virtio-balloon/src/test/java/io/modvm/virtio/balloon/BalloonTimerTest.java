package io.modvm.virtio.balloon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modvm.virtio.balloon.auto.AutoLimits;
import io.modvm.virtio.testing.Await;
import org.junit.jupiter.api.Test;

/**
 * The device's timer, wired for real: statistics are asked for again every polling interval, and the automatic
 * policy acts on them. These wait for the timer (one-second intervals) but never judge how long it took.
 */
class BalloonTimerTest {
    private static final long MIB = 1L << 20;

    @Test
    void thePollingIntervalAsksForStatisticsAgainAndAgain() throws Exception {
        BalloonConfig options = new BalloonConfig(false, false, 1, null);
        try (BalloonRig rig = new BalloonRig(options, BalloonRig.LINUX_FEATURES)) {
            int statsq = rig.layout.stats();
            rig.activate();
            for (int round = 1; round <= 2; round++) {
                rig.send(statsq, rig.statsBuffer(StatTag.FREE_MEMORY.tag(), round));
                rig.awaitUsed(statsq, round);
                rig.driver(statsq).getBuf().orElseThrow();
                assertEquals(round, rig.balloon.stats().get(StatTag.FREE_MEMORY).orElseThrow());
            }
        }
    }

    @Test
    void withoutPollingTheBufferIsKept() throws Exception {
        try (BalloonRig rig = new BalloonRig()) {
            int statsq = rig.layout.stats();
            rig.activate();
            rig.send(statsq, rig.statsBuffer(StatTag.FREE_MEMORY.tag(), 1));
            Await.until("stats held", () -> rig.balloon.queues().holdingStats());
            assertEquals(0, rig.driver(statsq).usedIdx());
        }
    }

    @Test
    void theAutomaticPolicyShrinksAnIdleGuestAndAsksForFreshStatistics() throws Exception {
        BalloonConfig options = new BalloonConfig(false, false, 0, new AutoLimits(56 * MIB, 64 * MIB, 0, 1));
        try (BalloonRig rig = new BalloonRig(options, BalloonRig.LINUX_FEATURES, () -> 64L << 30)) {
            int statsq = rig.layout.stats();
            rig.activate();
            rig.send(statsq, rig.statsBuffer(StatTag.AVAILABLE_MEMORY.tag(), 60 * MIB));
            Await.until("a smaller target", () -> rig.balloon.targetMemory() < BalloonRig.RAM_SIZE);

            // An eighth of this small guest is under the least step the policy takes, except down to a bound.
            assertEquals(56 * MIB, rig.balloon.targetMemory(), "an eighth of 64 MiB, which is auto-min");
            // The interrupt follows the new target, so it may come a moment after it shows.
            Await.until("the driver hears of the new target", () -> rig.activation.configInterrupts() > 0);
            rig.awaitUsed(statsq, 1);
        }
    }
}

package io.modvm.virtio.balloon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.virtio.device.VirtioFeatures;
import io.modvm.virtio.queue.TestDriver;
import io.modvm.virtio.queue.TestDriver.Buf;
import io.modvm.virtio.testing.Await;
import io.modvm.virtio.testing.FakeActivation;
import io.modvm.virtio.testing.StrictGuestMemory.Discard;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The queues end to end: a driver on guest RAM, the device's worker threads, and what reaches the host. */
class BalloonQueuesTest {
    private static final long PAGE = 4096;
    private static final long P = TestRam.PAGES / PAGE;

    @Test
    void inflateDiscardsExactlyTheNamedPagesInRuns() throws Exception {
        try (BalloonRig rig = new BalloonRig()) {
            for (long pfn = P; pfn < P + 8; pfn++) {
                rig.memory.fill(pfn * PAGE, PAGE, (byte) 0x5a);
            }
            rig.activate();
            // An ascending run, a descending run, a lone page, and a page not adjacent to the run before it.
            rig.send(0, rig.pfnArray(P, P + 1, P + 2, P + 6, P + 5, P + 4, P + 7 + 10, P + 3 + 20));
            rig.awaitUsed(0, 1);

            assertEquals(List.of(new Discard(P * PAGE, 3 * PAGE), new Discard((P + 4) * PAGE, 3 * PAGE),
                    new Discard((P + 17) * PAGE, PAGE), new Discard((P + 23) * PAGE, PAGE)), rig.memory.discards());
            assertEquals(0, rig.memory.readByte(P * PAGE + 100), "a discarded page reads as zero");
            assertEquals(0x5a, rig.memory.readByte((P + 3) * PAGE), "a page not named keeps its contents");
            assertEquals(8, rig.balloon.queues().pagesInflated());
            assertEquals(0, rig.driver(0).getBuf().orElseThrow().length(), "nothing is written back");
        }
    }

    @Test
    void inflateSplitsARunAtTheEndOfARamRange() throws Exception {
        try (BalloonRig rig = new BalloonRig()) {
            rig.activate();
            long lastA = (TestRam.RAM_A + TestRam.RAM_A_SIZE) / PAGE - 1;
            long firstB = TestRam.RAM_B / PAGE;
            rig.send(0, rig.pfnArray(lastA - 1, lastA, firstB, firstB + 1));
            rig.awaitUsed(0, 1);

            assertEquals(List.of(new Discard((lastA - 1) * PAGE, 2 * PAGE), new Discard(firstB * PAGE, 2 * PAGE)),
                    rig.memory.discards());
        }
    }

    @Test
    void pagesOutsideRamAreSkippedAndReportedNotDiscarded() throws Exception {
        try (BalloonRig rig = new BalloonRig()) {
            rig.activate();
            long hole = (TestRam.RAM_A + TestRam.RAM_A_SIZE) / PAGE;
            rig.send(0, rig.pfnArray(hole, P, 0xFFFF_FFFFL, P + 1, TestRam.RAM_B / PAGE + 256));
            rig.awaitUsed(0, 1);

            assertEquals(List.of(new Discard(P * PAGE, 2 * PAGE)), rig.memory.discards());
            assertTrue(rig.balloon.guestErrorSeen("inflateq frame"));
            assertTrue(rig.activation.resetRequests().isEmpty(), "a bad frame fails nothing but itself");
        }
    }

    @Test
    void aTrailingPartialFrameNumberIsIgnored() throws Exception {
        try (BalloonRig rig = new BalloonRig()) {
            rig.activate();
            Buf array = rig.pfnArray(P, P + 1);
            rig.send(0, new Buf(array.address(), 7));
            rig.awaitUsed(0, 1);

            assertEquals(List.of(new Discard(P * PAGE, PAGE)), rig.memory.discards());
            assertTrue(rig.balloon.guestErrorSeen("inflateq length"));
        }
    }

    @Test
    void aHostThatRefusesTheDiscardStillCompletesTheRequest() throws Exception {
        try (BalloonRig rig = new BalloonRig()) {
            rig.memory.failDiscards();
            rig.activate();
            rig.send(0, rig.pfnArray(P));
            rig.awaitUsed(0, 1);

            assertTrue(rig.balloon.guestErrorSeen("inflateq discard failed"));
            assertTrue(rig.activation.resetRequests().isEmpty());
        }
    }

    @Test
    void deflateIsAcceptedWithoutTouchingHostMemory() throws Exception {
        try (BalloonRig rig = new BalloonRig()) {
            rig.activate();
            rig.send(1, rig.pfnArray(P, P + 1, P + 2));
            rig.awaitUsed(1, 1);

            assertTrue(rig.memory.discards().isEmpty());
            assertEquals(3, rig.balloon.queues().pagesDeflated());
            // The interrupt follows the used-ring update, so it may come a moment after the buffer shows.
            Await.until("interrupt for the deflate request", () -> rig.activation.interrupts(1) > 0);
        }
    }

    @Test
    void requestsSpreadOverSeveralBuffersAndIndirectTablesAreRead() throws Exception {
        try (BalloonRig rig = new BalloonRig()) {
            rig.activate();
            Buf first = rig.pfnArray(P, P + 1);
            Buf second = rig.pfnArray(P + 2);
            rig.driver(0).addIndirect(List.of(first, second), List.of());
            rig.activation.kick(0);
            rig.awaitUsed(0, 1);

            assertEquals(List.of(new Discard(P * PAGE, 3 * PAGE)), rig.memory.discards());
        }
    }

    @Test
    void statsAreKeptAndRequestedAgainByReturningTheBuffer() throws Exception {
        try (BalloonRig rig = new BalloonRig()) {
            int statsq = rig.layout.stats();
            assertEquals(2, statsq);
            rig.activate();
            rig.send(statsq, rig.statsBuffer(StatTag.FREE_MEMORY.tag(), 100L << 20,
                    StatTag.AVAILABLE_MEMORY.tag(), 200L << 20, 99, 7, StatTag.TOTAL_MEMORY.tag(), 1L << 30));
            Await.until("first stats", () -> rig.balloon.stats().sequence() == 1);

            GuestStats first = rig.balloon.stats();
            assertEquals(100L << 20, first.get(StatTag.FREE_MEMORY).orElseThrow());
            assertEquals(200L << 20, first.get(StatTag.AVAILABLE_MEMORY).orElseThrow());
            assertEquals(1L << 30, first.get(StatTag.TOTAL_MEMORY).orElseThrow());
            assertEquals(3, first.values().size(), "the unknown tag 99 is ignored");
            Await.until("buffer held", () -> rig.balloon.queues().holdingStats());
            assertEquals(0, rig.driver(statsq).usedIdx(), "the device keeps the buffer until it wants more");

            rig.balloon.requestStats();
            rig.awaitUsed(statsq, 1);
            TestDriver.Used returned = rig.driver(statsq).getBuf().orElseThrow();
            assertEquals(0, returned.length());
            Await.until("interrupt for the returned stats buffer", () -> rig.activation.interrupts(statsq) > 0);

            rig.send(statsq, rig.statsBuffer(StatTag.AVAILABLE_MEMORY.tag(), 50L << 20));
            Await.until("second stats", () -> rig.balloon.stats().sequence() == 2);
            assertEquals(50L << 20, rig.balloon.stats().get(StatTag.AVAILABLE_MEMORY).orElseThrow());
        }
    }

    @Test
    void aSecondStatsBufferSendsTheFirstBack() throws Exception {
        try (BalloonRig rig = new BalloonRig()) {
            int statsq = rig.layout.stats();
            rig.activate();
            int head = rig.send(statsq, rig.statsBuffer(StatTag.FREE_MEMORY.tag(), 1));
            Await.until("first stats", () -> rig.balloon.stats().sequence() == 1);
            rig.send(statsq, rig.statsBuffer(StatTag.FREE_MEMORY.tag(), 2));
            rig.awaitUsed(statsq, 1);

            assertEquals(head, rig.driver(statsq).getBuf().orElseThrow().head());
            assertEquals(2, rig.balloon.stats().get(StatTag.FREE_MEMORY).orElseThrow());
        }
    }

    @Test
    void reportedFreeRangesGoBackToTheHost() throws Exception {
        long features = BalloonRig.LINUX_FEATURES | VirtioFeatures.bit(BalloonFeatures.PAGE_REPORTING);
        try (BalloonRig rig = new BalloonRig(new BalloonConfig(false, true, 0, null), features)) {
            int reporting = rig.layout.reporting();
            assertEquals(3, reporting);
            rig.activate();
            Buf big = new Buf(TestRam.PAGES, 16 * (int) PAGE);
            Buf other = new Buf(TestRam.RAM_B, 2 * (int) PAGE);
            Buf misaligned = new Buf(TestRam.PAGES + 32 * PAGE + 8, (int) PAGE);
            rig.driver(reporting).add(List.of(), List.of(big, other, misaligned));
            rig.activation.kick(reporting);
            rig.awaitUsed(reporting, 1);

            assertEquals(List.of(new Discard(big.address(), big.length()), new Discard(other.address(),
                    other.length())), rig.memory.discards());
            assertTrue(rig.balloon.guestErrorSeen("reporting_vq alignment"));
            assertEquals(0, rig.driver(reporting).getBuf().orElseThrow().length());
        }
    }

    @Test
    void withoutStatsTheReportingQueueTakesIndexTwo() throws Exception {
        long features = VirtioFeatures.bit(BalloonFeatures.PAGE_REPORTING)
                | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX);
        try (BalloonRig rig = new BalloonRig(new BalloonConfig(false, true, 0, null), features)) {
            assertEquals(-1, rig.layout.stats());
            assertEquals(2, rig.layout.reporting());
            rig.activate();
            rig.driver(2).add(List.of(), List.of(new Buf(TestRam.PAGES, (int) PAGE)));
            rig.activation.kick(2);
            rig.awaitUsed(2, 1);

            assertEquals(List.of(new Discard(TestRam.PAGES, PAGE)), rig.memory.discards());
        }
    }

    @Test
    void aDriverThatLeavesAQueueDisabledIsServedOnTheOthers() throws Exception {
        try (BalloonRig rig = new BalloonRig()) {
            FakeActivation partial = new FakeActivation(rig.memory, BalloonRig.LINUX_FEATURES)
                    .enable(0, rig.driver(0));
            rig.balloon.activate(partial);
            rig.driver(0).add(List.of(rig.pfnArray(P)), List.of());
            partial.kick(0);
            rig.awaitUsed(0, 1);
            rig.balloon.requestStats();

            assertEquals(List.of(new Discard(P * PAGE, PAGE)), rig.memory.discards());
            assertTrue(partial.resetRequests().isEmpty());
        }
    }

    @Test
    void aMalformedChainFailsAloneAndTheQueueGoesOn() throws Exception {
        try (BalloonRig rig = new BalloonRig()) {
            rig.activate();
            TestDriver inflate = rig.driver(0);
            inflate.add(List.of(new Buf(TestRam.RAM_A + TestRam.RAM_A_SIZE - 8, 16)), List.of());
            inflate.add(List.of(rig.pfnArray(P)), List.of());
            rig.activation.kick(0);
            rig.awaitUsed(0, 2);

            assertEquals(List.of(new Discard(P * PAGE, PAGE)), rig.memory.discards());
            assertTrue(rig.balloon.guestErrorSeen("inflateq chain"));
            assertTrue(rig.activation.resetRequests().isEmpty());
        }
    }

    @Test
    void aCorruptRingAsksForAResetAndStopsTheQueue() throws Exception {
        try (BalloonRig rig = new BalloonRig()) {
            rig.activate();
            rig.driver(0).setAvailIdx(BalloonDevice.QUEUE_SIZE + 1);
            rig.activation.kick(0);
            Await.until("reset request", () -> !rig.activation.resetRequests().isEmpty());

            assertEquals(1, rig.activation.resetRequests().size());
            assertTrue(rig.activation.resetRequests().get(0).startsWith("inflateq: AVAIL_INDEX_JUMP"));
            assertTrue(rig.memory.discards().isEmpty());
        }
    }

    @Test
    void resetStopsTheWorkersAndEmptiesTheBalloon() throws Exception {
        BalloonRig rig = new BalloonRig();
        rig.activate();
        rig.balloon.writeConfig(BalloonConfigSpace.ACTUAL, 4, 256);
        rig.balloon.reset();

        assertEquals(BalloonRig.RAM_SIZE, rig.balloon.actualMemory());
        assertEquals(List.of(BalloonRig.RAM_SIZE - (256 << 12), BalloonRig.RAM_SIZE), rig.changes());
        rig.driver(0).add(List.of(rig.pfnArray(P)), List.of());
        rig.activation.kick(0);
        assertFalse(rig.balloon.queues() != null, "no queues after reset");
        assertEquals(0, rig.driver(0).usedIdx(), "a reset device serves nothing");
    }
}

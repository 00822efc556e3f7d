package io.modvm.core.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Why a run ends when several ask at once: no vCPU, no KVM. */
class RunEndArbiterTest {
    private final RunEndArbiter arbiter = new RunEndArbiter();

    @Test
    void theFirstEndOfARunCounts() throws Exception {
        arbiter.newRun();
        RunEnd off = RunEnd.powerOff();
        arbiter.post(off);
        arbiter.post(RunEnd.exit(3));
        assertSame(off, arbiter.await());
        RunEndArbiter.Outcome o = arbiter.conclude(off, false);
        assertEquals(List.of(), o.resets());
        assertFalse(o.restart());
        assertSame(off, o.end());
    }

    @Test
    void aResetRestartsAndIsAnnounced() throws Exception {
        arbiter.newRun();
        RunEnd reset = RunEnd.reset();
        arbiter.post(reset);
        RunEnd e = arbiter.await();
        RunEndArbiter.Outcome o = arbiter.conclude(e, false);
        assertEquals(List.of(reset), o.resets());
        assertTrue(o.restart());
        assertNull(arbiter.pendingEnd(), "a reset does not end the machine");
    }

    @Test
    void underNoRebootAResetEndsTheMachineAfterItsResetEvent() throws Exception {
        arbiter.newRun();
        arbiter.post(RunEnd.reset());
        RunEnd e = arbiter.await();
        RunEndArbiter.Outcome o = arbiter.conclude(e, true);
        assertEquals(List.of(e), o.resets());
        assertSame(e, o.end());
    }

    @Test
    void anEndBeatsAResetTheRunLoopHasNotTakenAndTheResetIsStillAnnounced() throws Exception {
        arbiter.newRun();
        RunEnd reset = RunEnd.hostReset();
        RunEnd quit = RunEnd.exit(0);
        arbiter.post(reset); // QMP system_reset
        arbiter.post(quit); // then quit, before the run loop woke
        RunEnd e = arbiter.await();
        assertSame(quit, e);
        RunEndArbiter.Outcome o = arbiter.conclude(e, false);
        assertEquals(List.of(reset), o.resets(), "RESET, then SHUTDOWN, as QEMU sends them");
        assertSame(quit, o.end());
    }

    @Test
    void aResetAfterAnEndChangesNothing() throws Exception {
        arbiter.newRun();
        RunEnd error = RunEnd.error("vCPU 0: triple fault");
        arbiter.post(error);
        arbiter.post(RunEnd.reset());
        assertSame(error, arbiter.await());
        assertEquals(List.of(), arbiter.conclude(error, false).resets());
    }

    @Test
    void anEndOutlivesItsRunSoThatARacingResetCannotRestartTheMachine() throws Exception {
        arbiter.newRun();
        arbiter.post(RunEnd.reset());
        RunEnd taken = arbiter.await(); // the run loop took the reset...
        RunEnd quit = RunEnd.exit(5);
        arbiter.post(quit); // ...and a quit came while it tore the run down
        assertTrue(arbiter.conclude(taken, false).restart());
        assertSame(quit, arbiter.pendingEnd(), "the next round ends on it without another run");
        arbiter.newRun();
        assertSame(quit, arbiter.pendingEnd());
    }

    @Test
    void awaitWaitsForAPost() throws Exception {
        arbiter.newRun();
        CompletableFuture<RunEnd> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return arbiter.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        assertFalse(waiting.isDone());
        RunEnd off = RunEnd.powerOff();
        arbiter.post(off);
        assertSame(off, waiting.get(30, TimeUnit.SECONDS));
    }
}

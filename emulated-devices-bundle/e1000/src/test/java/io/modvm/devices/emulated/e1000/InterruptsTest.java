package io.modvm.devices.emulated.e1000;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ICR, IMS and the ITR throttle on a clock and a timer the test moves by hand. */
class InterruptsTest {
    private final List<Boolean> levels = new ArrayList<>();
    private final List<Runnable> scheduled = new ArrayList<>();
    private final List<Long> delays = new ArrayList<>();
    private long now = 1_000_000;
    private final Interrupts interrupts = new Interrupts(levels::add, (task, nanos) -> {
        scheduled.add(task);
        delays.add(nanos);
        return () -> scheduled.remove(task);
    }, () -> now);

    private boolean line() {
        return !levels.isEmpty() && levels.get(levels.size() - 1);
    }

    @Test
    void withoutThrottleEveryCauseTheMaskLetsThroughRaisesTheLine() {
        interrupts.unmask(E1000Registers.ICR_RXT0);
        interrupts.cause(E1000Registers.ICR_TXDW);
        assertFalse(line(), "masked cause");
        interrupts.cause(E1000Registers.ICR_RXT0);
        assertTrue(line());
        assertEquals(E1000Registers.ICR_RXT0 | E1000Registers.ICR_TXDW, interrupts.readAndClear());
        assertFalse(line());
        interrupts.cause(E1000Registers.ICR_RXT0);
        assertTrue(line(), "at once again");
        interrupts.mask(E1000Registers.ICR_RXT0);
        assertFalse(line(), "masking lowers it");
        assertTrue(scheduled.isEmpty());
    }

    @Test
    void theThrottleAllowsOneRiseAnInterval() {
        interrupts.setThrottle(1000);
        interrupts.unmask(-1);
        interrupts.cause(E1000Registers.ICR_RXT0);
        assertTrue(line(), "the first comes at once");
        interrupts.readAndClear();
        now += 100_000;
        interrupts.cause(E1000Registers.ICR_RXT0);
        assertFalse(line(), "100 µs later, inside the 256 µs interval");
        assertEquals(1, scheduled.size());
        assertEquals(1000 * 256 - 100_000, delays.get(0));
        interrupts.cause(E1000Registers.ICR_TXDW);
        assertEquals(1, scheduled.size(), "one wait at a time");
        now += 1000 * 256;
        scheduled.remove(0).run();
        assertTrue(line(), "raised when the interval ends");
        assertEquals(2, levels.stream().filter(l -> l).count());
        interrupts.readAndClear();
        now += 300_000;
        interrupts.cause(E1000Registers.ICR_RXT0);
        assertTrue(line(), "after a whole interval, at once");
    }

    @Test
    void aCauseClearedWhileWaitingCancelsTheWait() {
        interrupts.setThrottle(1000);
        interrupts.unmask(-1);
        interrupts.cause(1);
        interrupts.readAndClear();
        interrupts.cause(1);
        assertEquals(1, scheduled.size());
        interrupts.clear(1);
        assertTrue(scheduled.isEmpty());
        assertFalse(line());
    }

    @Test
    void aRestoreSaysTheLevelOnceEitherWay() {
        interrupts.restore(E1000Registers.ICR_RXT0, E1000Registers.ICR_RXT0, 0);
        assertEquals(List.of(true), levels);
        levels.clear();
        interrupts.restore(E1000Registers.ICR_RXT0, 0, 0);
        assertEquals(List.of(false), levels);
    }
}

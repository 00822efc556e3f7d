package io.modvm.accel.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The eventfd lifecycle that device threads rely on: counts add up, close wakes waiters, closed means inert. */
@Timeout(50)
class EventFdTest {
    @Test
    void signalsAddUpAndAreReadOnce() {
        EventFd e = new EventFd(self -> { });
        e.signal();
        e.signal();
        e.signal();
        assertEquals(3, e.await(1000));
        assertEquals(0, e.await(10), "the counter was reset by the read");
        e.close();
    }

    @Test
    void closeWakesAWaiterAndLaterCallsDoNothing() throws Exception {
        AtomicInteger unbound = new AtomicInteger();
        EventFd e = new EventFd(self -> unbound.incrementAndGet());
        CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> e.await(60_000));
        Thread.sleep(100);
        long started = System.nanoTime();
        e.close();
        assertEquals(0L, waiter.get(30, TimeUnit.SECONDS));
        // The waiter asked for 60 s: anything well short of that means close woke it.
        assertFalse(System.nanoTime() - started > 30_000_000_000L, "close waited for the full timeout");
        e.signal();
        e.close();
        assertEquals(0, e.await(10));
        assertEquals(1, unbound.get(), "the binding is undone exactly once");
    }
}

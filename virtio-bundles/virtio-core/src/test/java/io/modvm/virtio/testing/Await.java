package io.modvm.virtio.testing;

import java.util.function.BooleanSupplier;

/** Waits for a device thread to get somewhere; fails (never on timing alone) if it never does. */
public final class Await {
    /** Generous, because the build machine is shared; a pass never depends on how fast it is. */
    private static final long LIMIT_MILLIS = 30_000;

    private Await() {
    }

    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + LIMIT_MILLIS * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened: " + what);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }
}

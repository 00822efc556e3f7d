package io.modvm.migration.outgoing;

import io.modvm.api.machine.Machine;
import io.modvm.api.machine.PauseHold;

/**
 * Auto-converge: keeps the vCPUs paused for a share of every period, so that a guest dirtying RAM faster than the
 * link can carry it slows down enough for the migration to finish (QEMU's cpu-throttle).
 */
final class CpuThrottle implements AutoCloseable {
    private static final long PERIOD_MILLIS = 20;

    private final Machine machine;
    private final Thread thread;
    private volatile int percent;
    private volatile boolean stopped;

    CpuThrottle(Machine machine) {
        this.machine = machine;
        this.thread = new Thread(this::run, "modvm-migration-throttle");
        thread.setDaemon(true);
    }

    /** Sets the share (0 to 99) and starts the throttle if it was not running. */
    void set(int share) {
        percent = Math.max(0, Math.min(99, share));
        if (!thread.isAlive() && !stopped) {
            thread.start();
        }
    }

    int percent() {
        return percent;
    }

    private void run() {
        while (!stopped) {
            int p = percent;
            long paused = PERIOD_MILLIS * p / 100;
            try {
                if (paused > 0) {
                    try (PauseHold h = machine.hold("migration auto-converge", 1000)) {
                        Thread.sleep(paused);
                    }
                }
                Thread.sleep(PERIOD_MILLIS - paused);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            if (thread.isAlive()) {
                thread.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

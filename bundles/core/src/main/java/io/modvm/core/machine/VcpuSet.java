package io.modvm.core.machine;

import io.modvm.api.accel.BootState;
import io.modvm.api.accel.VirtualMachine;
import io.modvm.core.bus.IoBus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vCPU threads of one run, and the gate that pauses them. A pause is a count of holds: the vCPUs stay parked
 * while any hold exists, so the monitor's {@code stop}, a device hot-swap and (later) a snapshot or a migration can
 * overlap without one resuming what another paused. Holds outlive a run: the vCPUs of the next run (after a reset)
 * park before they enter the guest.
 */
final class VcpuSet {
    private static final Logger LOG = LoggerFactory.getLogger(VcpuSet.class);

    private final IoBus pio;
    private final IoBus mmio;
    private final Consumer<RunEnd> post;
    private final Object lock = new Object();
    private final List<VcpuThread> threads = new ArrayList<>();
    private volatile boolean stopRequested;
    private volatile boolean pauseRequested;
    private int holds;
    /** True once every vCPU of the run parked for the current holds (the machine reads as paused). */
    private boolean paused;
    private int parked;
    private int live;

    /** @param post where a vCPU reports why the run ends (guest reset, power-off, an error) */
    VcpuSet(IoBus pio, IoBus mmio, Consumer<RunEnd> post) {
        this.pio = pio;
        this.mmio = mmio;
        this.post = post;
    }

    /** Starts {@code count} vCPUs of {@code vm}; vCPU 0 enters the guest with {@code boot}, the others wait for SIPI. */
    void start(VirtualMachine vm, int count, BootState boot) {
        List<VcpuThread> started;
        synchronized (lock) {
            stopRequested = false;
            parked = 0;
            live = 0;
            threads.clear();
            CountDownLatch created = new CountDownLatch(count);
            for (int i = 0; i < count; i++) {
                threads.add(new VcpuThread(this, created, vm, i, i == 0 ? boot : null, pio, mmio, post));
                live++;
            }
            started = List.copyOf(threads);
        }
        started.forEach(Thread::start);
    }

    /** Stops every vCPU of the run and waits for their threads. */
    void stop() {
        List<VcpuThread> stopping;
        synchronized (lock) {
            stopRequested = true;
            lock.notifyAll();
            stopping = List.copyOf(threads);
        }
        for (VcpuThread t : stopping) {
            t.kick();
        }
        for (VcpuThread t : stopping) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean stopRequested() {
        return stopRequested;
    }

    /** Waits on a vCPU thread until every vCPU of the run exists; returns false if the run stops meanwhile. */
    boolean awaitCreated(CountDownLatch created) {
        try {
            while (!created.await(100, TimeUnit.MILLISECONDS)) {
                if (stopRequested) {
                    return false;
                }
            }
            return !stopRequested;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Adds a pause hold and parks every vCPU, waiting at most {@code waitMillis} for the last one
     * ({@link Long#MAX_VALUE}: until it parks). Returns true if this hold paused a machine that ran (the first hold).
     */
    boolean hold(long waitMillis) {
        List<VcpuThread> running;
        boolean first;
        synchronized (lock) {
            first = holds++ == 0;
            pauseRequested = true;
            running = List.copyOf(threads);
        }
        running.forEach(VcpuThread::kick);
        boolean bounded = waitMillis != Long.MAX_VALUE;
        long deadline = System.nanoTime() + (bounded ? waitMillis * 1_000_000 : 0);
        synchronized (lock) {
            while (parked < live && !stopRequested && holds > 0) {
                if (bounded && System.nanoTime() - deadline > 0) {
                    LOG.warn("{} of {} vCPUs still running after {} ms; going on", live - parked, live, waitMillis);
                    break;
                }
                try {
                    lock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (parked < live) {
                    // A kick that raced a vCPU's own exit handling is simply repeated.
                    running.forEach(VcpuThread::kick);
                }
            }
            if (holds > 0) {
                paused = true;
            }
        }
        return first;
    }

    /** Drops a hold; returns true if it was the last, so that the vCPUs run again. */
    boolean release() {
        synchronized (lock) {
            if (holds == 0) {
                return false;
            }
            if (--holds > 0) {
                return false;
            }
            pauseRequested = false;
            paused = false;
            lock.notifyAll();
            return true;
        }
    }

    /** True while a hold keeps the vCPUs parked (all of them have parked, or were told to). */
    boolean paused() {
        synchronized (lock) {
            return paused;
        }
    }

    /** Called on a vCPU thread after a kick and before it first enters the guest. Returns false to leave the loop. */
    boolean parkIfPaused() {
        if (stopRequested) {
            return false;
        }
        if (!pauseRequested) {
            return true;
        }
        synchronized (lock) {
            parked++;
            lock.notifyAll();
            while (pauseRequested && !stopRequested) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            parked--;
            return !stopRequested;
        }
    }

    /** A vCPU thread ends. */
    void ended() {
        synchronized (lock) {
            live--;
            lock.notifyAll();
        }
    }
}

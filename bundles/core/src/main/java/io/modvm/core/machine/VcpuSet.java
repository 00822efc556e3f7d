package io.modvm.core.machine;

import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.BootState;
import io.modvm.api.accel.VirtualMachine;
import io.modvm.api.state.StateRecord;
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
 *
 * <p>While paused, the parked vCPU threads also do work for the machine on themselves ({@link #saveStates()},
 * {@link #restoreStates}): vCPU calls belong to the thread that created the vCPU, and a parked thread is outside
 * KVM_RUN, with any port or MMIO access it exited for already completed.
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
    /** Work the parked vCPUs are doing on themselves, or null. */
    private VcpuRound<?> round;

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

    /**
     * Each vCPU's state, in vCPU order, each saved on its own vCPU's thread. The machine must be paused (every vCPU
     * parked by a hold).
     *
     * @throws MachineException if the vCPUs are not all parked, or a vCPU's state cannot be read (the message names
     *     the vCPU and the part)
     */
    List<StateRecord> saveStates() throws MachineException {
        return onEachParked(io.modvm.api.accel.Vcpu::saveState);
    }

    /**
     * Restores {@code states} (one per vCPU, in vCPU order, as {@link #saveStates()} returns them), each on its own
     * vCPU's thread, with the machine paused. The vCPUs continue from those states when the last hold is released.
     *
     * @throws MachineException if the count differs from the vCPUs', the vCPUs are not all parked, or a record is
     *     refused (the message names the vCPU and why)
     */
    void restoreStates(List<StateRecord> states) throws MachineException {
        int count;
        synchronized (lock) {
            count = threads.size();
        }
        if (states.size() != count) {
            throw new MachineException("the saved state has " + states.size() + " vCPUs, this machine " + count);
        }
        onEachParked(vcpu -> {
            vcpu.restoreState(states.get(vcpu.index()));
            return null;
        });
    }

    /** Has every parked vCPU do {@code work} on its own thread; returns what each returned, in vCPU order. */
    <T> List<T> onEachParked(VcpuRound.Work<T> work) throws MachineException {
        synchronized (lock) {
            if (!paused || parked < live || live != threads.size() || threads.isEmpty()) {
                throw new MachineException("the vCPUs are not all paused (" + parked + " of " + threads.size()
                        + " parked); pause the machine first");
            }
            if (round != null) {
                throw new MachineException("the vCPUs are already busy with " + round);
            }
            VcpuRound<T> mine = new VcpuRound<>(work, threads.size());
            round = mine;
            lock.notifyAll();
            try {
                while (!mine.complete() && !stopRequested && live == threads.size()) {
                    lock.wait(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                round = null;
            }
            if (!mine.complete()) {
                throw new MachineException("the vCPUs stopped before their state was handled");
            }
            try {
                return mine.results();
            } catch (AcceleratorException e) {
                throw new MachineException(e.getMessage(), e);
            }
        }
    }

    /**
     * Called on a vCPU thread after a kick and before it first enters the guest. Returns false to leave the loop.
     * While parked, the thread does its part of any {@link VcpuRound} the machine hands out.
     */
    boolean parkIfPaused(VcpuThread self) {
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
                VcpuRound<?> r = round;
                if (r != null && r.pendingFor(self.index())) {
                    r.runOn(self.index(), self.vcpu());
                    lock.notifyAll();
                    continue;
                }
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

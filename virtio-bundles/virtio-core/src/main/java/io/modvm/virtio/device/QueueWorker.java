package io.modvm.virtio.device;

import io.modvm.api.accel.EventNotifier;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one queue on a thread of its own: waits for the driver's kicks and runs the handler after each, and once
 * at start (buffers may already be waiting). {@link #stop()} returns only after the handler has finished, so a
 * device can call it from {@link VirtioDevice#reset()} and know its queue is idle.
 *
 * <p>The handler must drain what it can and must not throw for guest input; a {@link RuntimeException} that
 * escapes anyway is logged and the worker goes on waiting. A {@link QueueServer} is such a handler.
 */
public final class QueueWorker {
    private static final Logger LOG = LoggerFactory.getLogger(QueueWorker.class);
    /**
     * {@link #stop()} and {@link #wake()} signal the notifier, so an idle worker needs no timed wake-ups; the bound
     * only keeps a wait on a notifier that can no longer wake from lasting forever.
     */
    private static final long IDLE_WAIT_MILLIS = 60_000;

    private final EventNotifier kicks;
    private final Runnable handler;
    private final Thread thread;
    private volatile boolean running = true;

    private QueueWorker(String name, EventNotifier kicks, Runnable handler) {
        this.kicks = Objects.requireNonNull(kicks, "kicks");
        this.handler = handler;
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
    }

    /** Starts a worker named {@code name} (a thread name, such as {@code virtio-blk vd0 q0}). */
    public static QueueWorker start(String name, EventNotifier kicks, Runnable handler) {
        QueueWorker w = new QueueWorker(name, kicks, handler);
        w.thread.start();
        return w;
    }

    private void loop() {
        runHandler();
        while (running) {
            if (kicks.await(IDLE_WAIT_MILLIS) > 0 && running) {
                runHandler();
            }
        }
    }

    private void runHandler() {
        try {
            handler.run();
        } catch (RuntimeException e) {
            LOG.error("{}: request handling failed", thread.getName(), e);
        }
    }

    /** Runs the handler once more on the worker thread soon (for work that a host event, not a kick, made ready). */
    public void wake() {
        kicks.signal();
    }

    /** Stops the worker and waits for it; safe to call more than once and from the worker itself. */
    public void stop() {
        running = false;
        if (Thread.currentThread() == thread) {
            return;
        }
        kicks.signal();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

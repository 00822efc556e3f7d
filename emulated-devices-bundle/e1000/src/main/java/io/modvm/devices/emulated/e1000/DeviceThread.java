package io.modvm.devices.emulated.e1000;

import io.modvm.api.accel.EventNotifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread of the device's own that runs one step after another until it is stopped, and the notifier that wakes it
 * from its waits (the guest gave it work, or it is stopping). A step that throws is logged and the thread ends:
 * nothing the guest does may take the VMM down with it, and a step must not spin on a broken ring.
 */
final class DeviceThread {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceThread.class);

    /** One pass of the thread's work; it waits on {@code wake} itself when there is none. */
    @FunctionalInterface
    interface Step {
        void run(EventNotifier wake);
    }

    private final String name;
    private final EventNotifier wake;
    private final Step step;
    private Thread thread;
    private volatile boolean running;

    DeviceThread(String name, EventNotifier wake, Step step) {
        this.name = name;
        this.wake = wake;
        this.step = step;
    }

    /** Starts the thread unless it runs. */
    synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    boolean running() {
        return running;
    }

    /** Wakes the thread to look at its work again. */
    void wake() {
        wake.signal();
    }

    /** Stops the thread after the step it is in and waits for it; safe to call more than once. */
    synchronized void stop() {
        running = false;
        Thread t = thread;
        if (t == null) {
            return;
        }
        thread = null;
        if (t == Thread.currentThread()) {
            return;
        }
        wake.signal();
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        try {
            while (running) {
                step.run(wake);
            }
        } catch (RuntimeException e) {
            LOG.error("{} failed; it stops until the device is reset", name, e);
            running = false;
        }
    }
}

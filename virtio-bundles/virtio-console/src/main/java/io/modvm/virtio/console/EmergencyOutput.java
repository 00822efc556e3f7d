package io.modvm.virtio.console;

import io.modvm.api.device.CharBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Characters the driver writes to the {@code emerg_wr} configuration field (VIRTIO_CONSOLE_F_EMERG_WRITE). Those
 * writes arrive on a vCPU thread, possibly before any queue exists, so they are only buffered there; a thread of
 * this class's own, started at the first one, passes them to the backend.
 */
final class EmergencyOutput implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmergencyOutput.class);
    private static final int CAPACITY = 4096;

    private final String name;
    private final CharBackend backend;
    private final ByteRing pending = new ByteRing(CAPACITY);
    private final byte[] one = new byte[1];
    private Thread thread;
    private boolean closed;
    private boolean overflowLogged;

    EmergencyOutput(String name, CharBackend backend) {
        this.name = name;
        this.backend = backend;
    }

    /** Queues one character; never blocks and never does I/O, as the caller is a vCPU. */
    synchronized void offer(byte b) {
        if (closed) {
            return;
        }
        one[0] = b;
        if (pending.offer(one, 0, 1) == 0 && !overflowLogged) {
            overflowLogged = true;
            LOG.warn("{}: emergency output faster than the backend takes it; characters dropped", name);
        }
        if (thread == null) {
            thread = new Thread(this::loop, name + " emergency output");
            thread.setDaemon(true);
            thread.start();
        }
        notifyAll();
    }

    private void loop() {
        byte[] chunk = new byte[CAPACITY];
        while (true) {
            int n;
            synchronized (this) {
                while (pending.size() == 0 && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                n = pending.peek(chunk, 0, chunk.length);
                pending.consume(n);
            }
            try {
                backend.write(chunk, 0, n);
            } catch (RuntimeException e) {
                LOG.debug("{}: backend refused emergency output", name, e);
            }
        }
    }

    /** Stops the thread; characters still pending are dropped, as the device is going away. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            notifyAll();
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

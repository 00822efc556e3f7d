package io.modvm.virtio.balloon;

import io.modvm.api.memory.GuestMemory;
import io.modvm.virtio.device.ChainHandler;
import io.modvm.virtio.device.QueueServer;
import io.modvm.virtio.queue.ChainReader;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.VirtqueueException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The stats queue (virtio 1.2, 5.5.6.3). The driver fills one buffer with statistics and makes it available; the
 * device reads it and keeps it. To ask for fresh statistics the device returns the buffer, and the driver answers
 * with a refilled one. So at most one buffer is held here, and only the queue's worker thread touches it:
 * {@link #requestRefresh()} from any thread just raises a flag and wakes the worker.
 */
final class BalloonStatsQueue implements ChainHandler {
    /** Far more than the 16 tags defined; the rest of a longer buffer is ignored. */
    private static final int MAX_BYTES = 64 * GuestStats.ENTRY_BYTES;

    private final GuestMemory memory;
    private final Consumer<byte[]> sink;
    private final AtomicBoolean refresh = new AtomicBoolean();
    private QueueServer server;
    private Runnable wake = () -> { };
    /** Volatile only so that {@link #holding()} can be asked from another thread. */
    private volatile DescriptorChain held;

    /**
     * @param sink receives the raw stat entries of each report (a whole number of entries at most {@link #MAX_BYTES})
     */
    BalloonStatsQueue(GuestMemory memory, Consumer<byte[]> sink) {
        this.memory = memory;
        this.sink = sink;
    }

    /** Connects the queue's server and the way to wake its worker; called once before the worker starts. */
    void attach(QueueServer server, Runnable wake) {
        this.server = server;
        this.wake = wake;
    }

    /**
     * Runs on the worker: returns the held buffer if a refresh was asked for, then takes what the driver sent.
     * Returns true if chains may still wait (see {@link QueueServer#serve()}).
     */
    boolean run() {
        if (refresh.getAndSet(false) && held != null) {
            DescriptorChain chain = held;
            held = null;
            server.complete(chain, 0);
        }
        return server.serve();
    }

    /** Asks the driver for new statistics; a no-op while the driver has not yet answered the previous request. */
    void requestRefresh() {
        refresh.set(true);
        wake.run();
    }

    /** Holds {@code chain}, taken back after a restore (null: nothing to hold); before the worker starts. */
    void hold(DescriptorChain chain) {
        held = chain;
    }

    /** The head of the buffer held, or -1. */
    int heldHead() {
        DescriptorChain chain = held;
        return chain == null ? -1 : chain.head();
    }

    /** Whether a buffer is held, i.e. the driver is waiting to be asked. */
    boolean holding() {
        return held != null;
    }

    /** Reads the report and keeps the buffer, to return it as the next request for statistics. */
    @Override
    public long serve(DescriptorChain chain) throws VirtqueueException {
        ChainReader reader = new ChainReader(memory, chain);
        int length = (int) Math.min(MAX_BYTES, reader.remaining());
        length -= length % GuestStats.ENTRY_BYTES;
        byte[] bytes = new byte[length];
        reader.readFully(bytes);
        sink.accept(bytes);
        // A driver sends its next buffer only when asked; one that sends another anyway gets the older one back.
        if (held != null) {
            server.complete(held, 0);
        }
        held = chain;
        return KEPT;
    }
}

package io.modvm.virtio.rng;

import io.modvm.api.memory.GuestMemory;
import io.modvm.virtio.queue.ChainWriter;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.VirtqueueException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requestq (virtio 1.2, 5.4): fills each chain's device-writable buffers with host entropy, within the rate
 * limit, and returns it with the number of bytes given. When the quota is spent, chains stay on the ring until the
 * period ends; then the worker is woken to serve them. Runs on the queue's worker thread only.
 *
 * <p>Guest mistakes: a malformed chain goes back with nothing written (the first one is logged); a ring that cannot
 * be trusted asks for a device reset once, and the queue is left alone from then on. A host read failure returns
 * the request empty, which the driver takes as "no entropy yet" and retries.
 */
final class EntropyRequests {
    static final int INDEX = 0;
    /** The most given per request; the spec lets the device use less than the whole buffer. */
    static final int MAX_PER_REQUEST = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(EntropyRequests.class);

    private final String name;
    private final GuestMemory memory;
    private final SplitVirtqueue queue;
    private final EntropySource source;
    private final RateLimit limit;
    private final Runnable interrupt;
    private final Consumer<String> needsReset;
    private final LongConsumer wakeAfterNanos;
    private final ByteBuffer chunk = ByteBuffer.allocate(4096);
    private boolean stopped;
    private boolean chainErrorLogged;
    private boolean hostErrorLogged;

    /**
     * @param name how logs name the device, such as {@code virtio-rng rng0}
     * @param interrupt interrupts the driver for this queue
     * @param needsReset sets DEVICE_NEEDS_RESET with a reason
     * @param wakeAfterNanos asks for {@link #serve()} to run again after that long (the quota's refill)
     */
    EntropyRequests(String name, GuestMemory memory, SplitVirtqueue queue, EntropySource source, RateLimit limit,
            Runnable interrupt, Consumer<String> needsReset, LongConsumer wakeAfterNanos) {
        this.name = name;
        this.memory = memory;
        this.queue = queue;
        this.source = source;
        this.limit = limit;
        this.interrupt = interrupt;
        this.needsReset = needsReset;
        this.wakeAfterNanos = wakeAfterNanos;
    }

    /**
     * Serves what the quota allows; the worker calls it after each kick and each refill. Finding the ring empty
     * re-arms the driver's kick (pop does that under VIRTIO_F_EVENT_IDX); with the quota spent, the refill wakes the
     * worker instead.
     */
    void serve() {
        if (!drain() || stopped) {
            return;
        }
        try {
            if (queue.needsNotification()) {
                interrupt.run();
            }
        } catch (VirtqueueException e) {
            stop(e.getMessage());
        }
    }

    /** Fills chains until the ring is empty or the quota is spent; returns true if any went back to the driver. */
    private boolean drain() {
        boolean pushed = false;
        while (!stopped) {
            long allowed = limit.available();
            if (allowed == 0) {
                wakeAfterNanos.accept(limit.nanosUntilRefill());
                break;
            }
            try {
                Optional<DescriptorChain> next = queue.pop();
                if (next.isEmpty()) {
                    break;
                }
                long given = fill(next.get(), Math.min(allowed, MAX_PER_REQUEST));
                limit.take(given);
                queue.push(next.get(), given);
                pushed = true;
            } catch (VirtqueueException e) {
                pushed |= failed(e);
            }
        }
        return pushed;
    }

    private long fill(DescriptorChain chain, long most) throws VirtqueueException {
        ChainWriter writer = new ChainWriter(memory, chain);
        long want = Math.min(most, writer.remaining());
        try {
            while (writer.written() < want) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), want - writer.written()));
                source.fill(chunk);
                chunk.flip();
                writer.write(chunk);
            }
        } catch (IOException e) {
            if (!hostErrorLogged) {
                hostErrorLogged = true;
                LOG.warn("{}: reading host entropy failed, requests go back empty: {}", name, e.getMessage());
            }
        }
        return writer.written();
    }

    /** Fails one request (returns true), or the queue if the error leaves nothing to hand back. */
    private boolean failed(VirtqueueException e) {
        if (e.queueUsable() && e.head().isPresent()) {
            if (!chainErrorLogged) {
                chainErrorLogged = true;
                LOG.warn("{}: request failed: {} (further malformed requests are not logged)", name,
                        e.getMessage());
            }
            try {
                queue.push(e.head().getAsInt(), 0);
                return true;
            } catch (VirtqueueException pushFailed) {
                e = pushFailed;
            }
        }
        stop(e.getMessage());
        return false;
    }

    private void stop(String reason) {
        if (!stopped) {
            stopped = true;
            needsReset.accept(name + " requestq: " + reason);
        }
    }
}

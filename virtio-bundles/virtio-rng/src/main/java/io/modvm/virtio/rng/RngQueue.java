package io.modvm.virtio.rng;

import io.modvm.api.memory.GuestMemory;
import io.modvm.virtio.device.ChainHandler;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.QueueServer;
import io.modvm.virtio.device.ResetLatch;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.queue.ChainWriter;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.VirtqueueException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.LongConsumer;

/**
 * The requestq (virtio 1.2, 5.4): fills each chain's device-writable buffers with host entropy, within the rate
 * limit, and returns it with the number of bytes given. When the quota is spent, chains stay on the ring until the
 * period ends; then the worker is woken to serve them. Runs on the queue's worker thread only.
 *
 * <p>Guest mistakes are {@link QueueServer}'s to answer: a malformed chain goes back with nothing written, a ring
 * that cannot be trusted asks for a device reset once, and the queue is left alone from then on. A host read
 * failure returns the request empty, which the driver takes as "no entropy yet" and retries.
 */
final class RngQueue implements ChainHandler {
    static final int INDEX = 0;
    /** The most given per request; the spec lets the device use less than the whole buffer. */
    static final int MAX_PER_REQUEST = 64 * 1024;

    private final GuestMemory memory;
    private final EntropySource source;
    private final RateLimit limit;
    private final LongConsumer wakeAfterNanos;
    private final GuestErrorLog log;
    private final QueueServer server;
    private final ByteBuffer chunk = ByteBuffer.allocate(4096);
    /** What the quota allows for the chain popped next, as {@link #ready()} found it. */
    private long allowed;

    /**
     * @param activation the activation whose queue {@value #INDEX} (enabled) is served
     * @param wakeAfterNanos asks for {@link #serve()} to run again after that long (the quota's refill)
     * @param log where guest errors and host failures are reported
     */
    RngQueue(VirtioActivation activation, EntropySource source, RateLimit limit, LongConsumer wakeAfterNanos,
            GuestErrorLog log) {
        this.memory = activation.memory();
        this.source = source;
        this.limit = limit;
        this.wakeAfterNanos = wakeAfterNanos;
        this.log = log;
        this.server = new QueueServer(activation, INDEX, "requestq", this, new ResetLatch(activation), log);
    }

    /**
     * Serves what the quota allows; the worker calls it after each kick and each refill. Finding the ring empty
     * re-arms the driver's kick (pop does that under VIRTIO_F_EVENT_IDX); with the quota spent, the refill wakes the
     * worker instead.
     */
    void serve() {
        server.serve();
    }

    /** A chain may be popped while the quota has bytes left; once it is spent, the refill is waited for. */
    @Override
    public boolean ready() {
        allowed = limit.available();
        if (allowed == 0) {
            wakeAfterNanos.accept(limit.nanosUntilRefill());
            return false;
        }
        return true;
    }

    @Override
    public long serve(DescriptorChain chain) throws VirtqueueException {
        long given = fill(chain, Math.min(allowed, MAX_PER_REQUEST));
        limit.take(given);
        return given;
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
            log.reportHost("requestq entropy", "reading host entropy failed, requests go back empty: "
                    + e.getMessage());
        }
        return writer.written();
    }
}

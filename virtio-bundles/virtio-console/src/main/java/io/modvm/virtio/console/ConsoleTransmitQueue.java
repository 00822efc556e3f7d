package io.modvm.virtio.console;

import io.modvm.api.device.CharBackend;
import io.modvm.api.memory.GuestMemory;
import io.modvm.virtio.device.ChainHandler;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.QueueServer;
import io.modvm.virtio.device.ResetLatch;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.queue.ChainReader;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.VirtqueueException;

/**
 * The transmitq (guest to host): every chain's device-readable bytes go to the backend in ring order, then the
 * chain goes back with nothing written. Runs on the queue's worker thread only. Linux's hvc console spins until its
 * buffer comes back, so a request is always completed, even when the backend fails; guest errors are {@link
 * QueueServer}'s to answer.
 */
final class ConsoleTransmitQueue implements ChainHandler {
    static final int INDEX = 1;
    private static final int CHUNK = 4096;

    private final GuestMemory memory;
    private final CharBackend backend;
    private final GuestErrorLog log;
    private final QueueServer server;
    private final byte[] chunk = new byte[CHUNK];

    /**
     * @param activation the activation whose transmitq (enabled) is served
     * @param latch the activation's latch, shared with the receiveq: both stop once either needs a reset
     */
    ConsoleTransmitQueue(VirtioActivation activation, CharBackend backend, ResetLatch latch, GuestErrorLog log) {
        this.memory = activation.memory();
        this.backend = backend;
        this.log = log;
        this.server = new QueueServer(activation, INDEX, "transmitq", this, latch, log);
    }

    /**
     * Drains the queue; the worker calls it after each kick. Finding the ring empty re-arms the driver's kick (pop
     * does that under VIRTIO_F_EVENT_IDX), so returning here never sleeps through a request.
     */
    void serve() {
        server.serve();
    }

    @Override
    public long serve(DescriptorChain chain) throws VirtqueueException {
        ChainReader reader = new ChainReader(memory, chain);
        int n;
        while ((n = reader.read(chunk, 0, chunk.length)) > 0) {
            try {
                backend.write(chunk, 0, n);
            } catch (RuntimeException e) {
                log.reportHost("transmitq backend", "guest output is dropped while the backend fails: " + e);
            }
        }
        return 0;
    }
}

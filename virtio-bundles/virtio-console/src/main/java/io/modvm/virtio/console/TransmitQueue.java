package io.modvm.virtio.console;

import io.modvm.api.device.CharBackend;
import io.modvm.api.memory.GuestMemory;
import io.modvm.virtio.queue.ChainReader;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.VirtqueueException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transmitq (guest to host): every chain's device-readable bytes go to the backend in ring order, then the
 * chain goes back with nothing written. Runs on the queue's worker thread only. Linux's hvc console spins until its
 * buffer comes back, so a request is always completed, even when the backend fails.
 */
final class TransmitQueue {
    static final int INDEX = 1;
    private static final Logger LOG = LoggerFactory.getLogger(TransmitQueue.class);
    private static final int CHUNK = 4096;

    private final GuestMemory memory;
    private final SplitVirtqueue queue;
    private final CharBackend backend;
    private final GuestErrors errors;
    private final byte[] chunk = new byte[CHUNK];
    private final AtomicBoolean backendFailureLogged = new AtomicBoolean();

    TransmitQueue(GuestMemory memory, SplitVirtqueue queue, CharBackend backend, GuestErrors errors) {
        this.memory = memory;
        this.queue = queue;
        this.backend = backend;
        this.errors = errors;
    }

    /**
     * Drains the queue; the worker calls it after each kick. Finding the ring empty re-arms the driver's kick (pop
     * does that under VIRTIO_F_EVENT_IDX), so returning here never sleeps through a request.
     */
    void serve() {
        if (drain() && !errors.stopped()) {
            errors.notifyDriver(queue, INDEX);
        }
    }

    /** Completes every available request; returns true if any went back to the driver. */
    private boolean drain() {
        boolean pushed = false;
        while (!errors.stopped()) {
            try {
                Optional<DescriptorChain> next = queue.pop();
                if (next.isEmpty()) {
                    break;
                }
                transmit(next.get());
                queue.push(next.get().head(), 0);
                pushed = true;
            } catch (VirtqueueException e) {
                if (!errors.failed(queue, INDEX, e)) {
                    break;
                }
                pushed = true;
            }
        }
        return pushed;
    }

    private void transmit(DescriptorChain chain) throws VirtqueueException {
        ChainReader reader = new ChainReader(memory, chain);
        int n;
        while ((n = reader.read(chunk, 0, chunk.length)) > 0) {
            try {
                backend.write(chunk, 0, n);
            } catch (RuntimeException e) {
                if (backendFailureLogged.compareAndSet(false, true)) {
                    LOG.warn("console backend failed; guest output is dropped while it does", e);
                }
            }
        }
    }
}

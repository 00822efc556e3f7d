package io.modvm.virtio.balloon;

import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.VirtqueueException;
import java.util.Optional;

/**
 * Drives one of the balloon's queues: pops what the driver made available, hands each chain to the queue's
 * handler, returns finished chains with 0 bytes written (no balloon queue has device-written payload), re-arms
 * notifications and interrupts the driver when it asked for it.
 *
 * <p>A malformed chain fails alone: it is returned unprocessed and logged once. A broken ring trips the activation's
 * {@link ResetLatch}, after which this server touches nothing. Runs on the queue's worker thread only.
 */
final class QueueServer {
    /** What a queue does with one chain. */
    interface ChainHandler {
        /**
         * Serves {@code chain}; returns true if it is finished and may go back to the driver now, false if the
         * handler keeps it to return later (the stats queue does).
         */
        boolean serve(DescriptorChain chain) throws VirtqueueException;
    }

    private final String name;
    private final VirtioActivation activation;
    private final int index;
    private final SplitVirtqueue queue;
    private final ChainHandler handler;
    private final ResetLatch latch;
    private final GuestErrors errors;

    QueueServer(String name, VirtioActivation activation, int index, ChainHandler handler, ResetLatch latch,
            GuestErrors errors) {
        this.name = name;
        this.activation = activation;
        this.index = index;
        this.queue = activation.queue(index);
        this.handler = handler;
        this.latch = latch;
        this.errors = errors;
    }

    /**
     * Serves the available chains, then interrupts the driver if it wants to hear of the returned ones. Serves at
     * most one ring's worth per call, so that a driver adding buffers as fast as they are served cannot keep the
     * worker (and a reset waiting for it) busy forever.
     *
     * @return true if chains may still be waiting: the caller should run again soon (wake its worker)
     */
    boolean drain() {
        if (latch.tripped()) {
            return false;
        }
        try {
            int budget = queue.size();
            do {
                while (true) {
                    if (budget-- == 0) {
                        notifyDriver();
                        return true;
                    }
                    Optional<DescriptorChain> next;
                    try {
                        next = queue.pop();
                    } catch (VirtqueueException e) {
                        failChain(e);
                        continue;
                    }
                    if (next.isEmpty()) {
                        break;
                    }
                    serve(next.get());
                }
                // A driver that added buffers before seeing notifications re-enabled did not kick: look again.
            } while (queue.enableNotifications());
            notifyDriver();
        } catch (VirtqueueException e) {
            latch.trip(name + ": " + e.getMessage());
        }
        return false;
    }

    /** Returns a chain the handler kept, and interrupts the driver if it wants that. */
    void complete(DescriptorChain chain) {
        if (latch.tripped()) {
            return;
        }
        try {
            queue.push(chain.head(), 0);
            notifyDriver();
        } catch (VirtqueueException e) {
            latch.trip(name + ": " + e.getMessage());
        }
    }

    /**
     * Takes back the chain {@code head} that the device held when its state was saved; returns it, or null if the
     * guest broke it meanwhile (then it goes back to the driver unprocessed) or the queue is broken.
     */
    DescriptorChain adopt(int head) {
        if (latch.tripped()) {
            return null;
        }
        try {
            return queue.chain(head);
        } catch (VirtqueueException e) {
            try {
                failChain(e);
                notifyDriver();
            } catch (VirtqueueException broken) {
                latch.trip(name + ": " + broken.getMessage());
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The saved state named a head the queue does not count as in flight: nothing to hold.
            errors.reportHost(name + " restore", e.getMessage());
        }
        return null;
    }

    /** Returns a kept chain without interrupting; the caller is inside {@link #drain()}, which interrupts after. */
    void release(DescriptorChain chain) throws VirtqueueException {
        queue.push(chain.head(), 0);
    }

    /** Returns a malformed chain unprocessed; rethrows errors that leave the ring unusable. */
    private void failChain(VirtqueueException e) throws VirtqueueException {
        if (!e.queueUsable() || e.head().isEmpty()) {
            throw e;
        }
        errors.report(name + " chain", e.getMessage());
        queue.push(e.head().getAsInt(), 0);
    }

    private void serve(DescriptorChain chain) throws VirtqueueException {
        boolean finished;
        try {
            finished = handler.serve(chain);
        } catch (VirtqueueException e) {
            if (!e.queueUsable()) {
                throw e;
            }
            errors.report(name + " request", e.getMessage());
            finished = true;
        } catch (RuntimeException e) {
            // A bug here must not strand the request: the driver would wait for it forever.
            errors.reportHost(name + " handler", e.toString());
            finished = true;
        }
        if (finished) {
            queue.push(chain.head(), 0);
        }
    }

    private void notifyDriver() throws VirtqueueException {
        if (queue.needsNotification()) {
            activation.interruptQueue(index);
        }
    }
}

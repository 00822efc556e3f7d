package io.modvm.virtio.device;

import io.modvm.api.accel.EventNotifier;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.VirtqueueException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Serves one queue of one activation: pops the chains the driver made available, hands each to a {@link
 * ChainHandler}, returns the finished ones on the used ring, and interrupts the driver once per batch if it asked for
 * that ({@link SplitVirtqueue#needsNotification()}). Every virtio device serves its queues with this loop, so they
 * share one answer to guest errors:
 *
 * <ul>
 *   <li>a malformed chain ({@link VirtqueueException#queueUsable() usable} queue, head known), found when it is
 *       popped or while the handler reads or writes it, goes back with 0 bytes written, and the next is popped;
 *   <li>a ring the device cannot trust any more (every other {@link VirtqueueException}) trips the activation's
 *       {@link ResetLatch}: DEVICE_NEEDS_RESET once, and from then on no server sharing that latch touches its ring;
 *   <li>a {@link RuntimeException} from the handler, which is a bug, still returns the chain with 0 bytes: a chain
 *       never returned hangs the guest's driver for good.
 * </ul>
 *
 * Each is logged once per kind through the device's {@link GuestErrorLog}, with kinds named after the queue
 * ({@code requestq chain}, {@code requestq request}, {@code requestq handler}).
 *
 * <p>A typical device builds one server per queue at {@link VirtioDevice#activate} and runs it on a {@link
 * QueueWorker}, which calls {@link #run()} after each kick:
 *
 * <pre>{@code
 * ResetLatch latch = new ResetLatch(activation);          // one per activation, shared by its queues
 * QueueServer server = new QueueServer(activation, 0, "requestq", handler, latch, log);
 * worker = QueueWorker.start(id + " requestq", activation.kicks(0), server);
 * }</pre>
 *
 * <p>Two options, set before the first {@link #serve()}, suit busy queues: {@link #suppressKicksWhileDraining()}
 * and {@link #limitPerCall(int)}.
 *
 * <p>Not thread-safe, as the queue itself is not: {@link #serve()}, {@link #complete} and {@link #retake} run on the
 * queue's worker thread (or on another thread while the worker is stopped, as in a hand-over).
 *
 * @since 1.2
 */
public final class QueueServer implements Runnable {
    /** How a drain ended. */
    private static final int EMPTY = 0;
    private static final int NOT_READY = 1;
    private static final int LIMIT = 2;
    private static final int STOPPED = 3;

    private final VirtioActivation activation;
    private final int index;
    private final String name;
    private final SplitVirtqueue queue;
    private final ChainHandler handler;
    private final ResetLatch latch;
    private final GuestErrorLog log;
    private boolean suppressKicks;
    private int perCall = Integer.MAX_VALUE;
    /** Chains the current {@link #serve()} may still pop. */
    private int left;
    /** Inside {@link #serve()}: a chain completed now is signalled with the batch. */
    private boolean serving;

    /**
     * @param activation the activation whose queue {@code index} is served; the driver must have enabled it
     * @param index the queue's index
     * @param name the queue's name in logs and in the reason for a reset, as the spec names it ({@code requestq})
     * @param handler what the device does with each chain
     * @param latch the activation's latch, shared with the device's other queues that must stop with this one
     * @param log where guest errors are reported, once per kind
     * @throws IllegalArgumentException if queue {@code index} is not enabled
     */
    public QueueServer(VirtioActivation activation, int index, String name, ChainHandler handler, ResetLatch latch,
            GuestErrorLog log) {
        this.activation = Objects.requireNonNull(activation, "activation");
        this.index = index;
        this.name = Objects.requireNonNull(name, "name");
        this.queue = activation.queue(index);
        if (queue == null) {
            throw new IllegalArgumentException(name + ": queue " + index + " is not enabled");
        }
        this.handler = Objects.requireNonNull(handler, "handler");
        this.latch = Objects.requireNonNull(latch, "latch");
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * Asks the driver not to kick while a batch is served, and to kick again once the ring is found empty, looking
     * once more for buffers that came meanwhile (disable/enable notifications: VIRTQ_USED_F_NO_NOTIFY, or
     * avail_event under VIRTIO_F_EVENT_IDX). Saves the driver's kicks, that is VM exits, on a busy queue. Without
     * it, finding the ring empty is what re-arms the driver's kick under EVENT_IDX, which suits a queue that takes
     * chains only at times.
     *
     * @return this server
     */
    public QueueServer suppressKicksWhileDraining() {
        this.suppressKicks = true;
        return this;
    }

    /**
     * Pops at most {@code chains} chains per {@link #serve()}, so that a driver adding buffers as fast as they are
     * served cannot keep the worker (and a reset waiting for it) busy forever. {@link #run()} then wakes the worker
     * again through the queue's kick notifier.
     *
     * @return this server
     * @throws IllegalArgumentException if {@code chains} is not positive
     */
    public QueueServer limitPerCall(int chains) {
        if (chains <= 0) {
            throw new IllegalArgumentException("chains per call " + chains);
        }
        this.perCall = chains;
        return this;
    }

    /**
     * Serves what is available, and after {@link #limitPerCall} chains returns with the worker woken to come back;
     * for {@link QueueWorker}.
     */
    @Override
    public void run() {
        if (serve()) {
            EventNotifier kicks = activation.kicks(index);
            if (kicks != null) {
                kicks.signal();
            }
        }
    }

    /**
     * Pops and serves chains until the ring is empty, the handler is not {@link ChainHandler#ready() ready}, or the
     * {@link #limitPerCall limit} is reached; then interrupts the driver if it wants to hear of the chains returned.
     * Does nothing once the latch is tripped.
     *
     * @return true if the limit was reached, so chains may still wait: serve again soon
     */
    public boolean serve() {
        if (latch.tripped()) {
            return false;
        }
        serving = true;
        try {
            left = perCall;
            int end;
            do {
                if (suppressKicks) {
                    queue.disableNotifications();
                }
                end = drain();
                if (end == STOPPED) {
                    return false;
                }
                notifyDriver();
                // A driver that made buffers available before it saw kicks enabled again did not kick: look again.
            } while (end == EMPTY && suppressKicks && queue.enableNotifications());
            if (end != EMPTY && suppressKicks) {
                // Left before the ring was empty: the driver's kicks must come back all the same.
                queue.enableNotifications();
            }
            return end == LIMIT;
        } catch (VirtqueueException e) {
            trip(e);
            return false;
        } finally {
            serving = false;
        }
    }

    /**
     * Returns a chain the handler {@link ChainHandler#KEPT kept} with {@code bytesWritten} bytes written. Inside
     * {@link ChainHandler#serve} the driver hears of it with the batch; otherwise it is interrupted now if it asked
     * for that. Does nothing once the latch is tripped; a ring that fails here trips it.
     *
     * @throws IllegalArgumentException if {@code bytesWritten} exceeds what the chain holds (a device bug)
     */
    public void complete(DescriptorChain chain, long bytesWritten) {
        if (latch.tripped()) {
            return;
        }
        try {
            queue.push(chain, bytesWritten);
            if (!serving) {
                notifyDriver();
            }
        } catch (VirtqueueException e) {
            trip(e);
        }
    }

    /**
     * Returns several kept chains, {@code chains.get(i)} with {@code bytesWritten[i]} bytes, in order, without
     * interrupting the driver: it hears of them at the next {@link #flush()}. A device that moves host data in
     * bursts (frames received back to back, a frame spread over several of virtio-net's mergeable buffers) thus
     * interrupts once per burst. Does nothing once the latch is tripped; a ring that fails here trips it.
     *
     * @throws IllegalArgumentException if a length exceeds what its chain holds (a device bug)
     * @since 1.3
     */
    public void completeBatch(List<DescriptorChain> chains, long[] bytesWritten) {
        if (latch.tripped()) {
            return;
        }
        try {
            for (int i = 0; i < chains.size(); i++) {
                queue.push(chains.get(i), bytesWritten[i]);
            }
        } catch (VirtqueueException e) {
            trip(e);
        }
    }

    /**
     * Interrupts the driver if chains went back since it last heard and it asked for that; after {@link
     * #completeBatch}.
     *
     * @since 1.3
     */
    public void flush() {
        if (latch.tripped()) {
            return;
        }
        try {
            notifyDriver();
        } catch (VirtqueueException e) {
            trip(e);
        }
    }

    /**
     * Takes back the chain starting at {@code head} that the device held when its state was saved (the queue was
     * restored with it in flight), to keep again. Returns null if the guest broke it meanwhile (it then goes back to
     * the driver with 0 bytes), if the saved head is not one the queue holds in flight, or if the latch is tripped.
     */
    public DescriptorChain retake(int head) {
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
                trip(broken);
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The saved state named a head the queue does not count as in flight: nothing to hold.
            log.reportHost(name + " restore", e.getMessage());
        }
        return null;
    }

    /** Whether the device needs a reset, so this server no longer touches its ring. */
    public boolean stopped() {
        return latch.tripped();
    }

    /**
     * The loop: pop, serve, push, as each device's own loop did it. The rare paths (a malformed chain, a failing
     * handler) are methods of their own, which keeps the per-chain path short.
     */
    private int drain() throws VirtqueueException {
        while (true) {
            if (latch.tripped()) {
                return STOPPED;
            }
            if (left == 0) {
                return LIMIT;
            }
            if (!handler.ready()) {
                return NOT_READY;
            }
            Optional<DescriptorChain> next;
            try {
                next = queue.pop();
            } catch (VirtqueueException e) {
                left--;
                failChain(e);
                continue;
            }
            if (next.isEmpty()) {
                return EMPTY;
            }
            left--;
            DescriptorChain chain = next.get();
            long written;
            try {
                written = handler.serve(chain);
            } catch (VirtqueueException e) {
                written = requestFailed(e);
            } catch (RuntimeException e) {
                written = handlerFailed(e);
            }
            if (written != ChainHandler.KEPT) {
                queue.push(chain, written);
            }
        }
    }

    /** A chain found malformed while the handler read or wrote it goes back empty, if the ring is still usable. */
    private long requestFailed(VirtqueueException e) throws VirtqueueException {
        if (!e.queueUsable()) {
            throw e;
        }
        log.report(name + " request", e.getMessage());
        return 0;
    }

    /** A handler's bug still returns the chain: the driver would wait for it forever. */
    private long handlerFailed(RuntimeException e) {
        log.reportHost(name + " handler", e.toString());
        return 0;
    }

    /** Returns a malformed chain with nothing written; rethrows errors that leave the ring unusable. */
    private void failChain(VirtqueueException e) throws VirtqueueException {
        if (!e.queueUsable() || e.head().isEmpty()) {
            throw e;
        }
        log.report(name + " chain", e.getMessage());
        queue.push(e.head().getAsInt(), 0);
    }

    /**
     * Interrupts the driver if chains went back since the last check (or a restored queue does not know) and the
     * driver wants to hear of them; a batch that returned nothing costs no fence.
     */
    private void notifyDriver() throws VirtqueueException {
        if (queue.notificationPending() && queue.needsNotification()) {
            activation.interruptQueue(index);
        }
    }

    private void trip(VirtqueueException e) {
        latch.trip(name + ": " + e.getMessage());
    }
}

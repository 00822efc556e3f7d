package io.modvm.virtio.console;

import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.VirtqueueException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the console answers guest mistakes during one activation. A malformed chain fails only its own request: it
 * goes back to the driver with nothing written, and the first one per queue is logged (a guest can repeat it
 * forever). A ring the device cannot trust any more sets DEVICE_NEEDS_RESET once, and from then on both queues
 * stop, as the spec asks of a device in that state. The interrupt decision after a batch is here too, because
 * its only failure is such a broken ring.
 */
final class GuestErrors {
    private static final Logger LOG = LoggerFactory.getLogger(GuestErrors.class);

    private final String id;
    private final VirtioActivation activation;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicBoolean[] chainLogged;

    GuestErrors(String id, VirtioActivation activation, int queues) {
        this.id = id;
        this.activation = activation;
        this.chainLogged = new AtomicBoolean[queues];
        for (int i = 0; i < queues; i++) {
            chainLogged[i] = new AtomicBoolean();
        }
    }

    /** True once the device needs a reset: the queues must not be touched again. */
    boolean stopped() {
        return stopped.get();
    }

    /**
     * Answers a guest error met while serving queue {@code index}: fails the one request if the queue can go on,
     * otherwise asks for a reset. Returns true if the caller may pop the next chain.
     */
    boolean failed(SplitVirtqueue queue, int index, VirtqueueException error) {
        if (error.queueUsable() && error.head().isPresent()) {
            if (chainLogged[index].compareAndSet(false, true)) {
                LOG.warn("{}: queue {}: request failed: {} (further malformed requests are not logged)", id, index,
                        error.getMessage());
            }
            try {
                queue.push(error.head().getAsInt(), 0);
                return true;
            } catch (VirtqueueException pushFailed) {
                error = pushFailed;
            }
        }
        needsReset("queue " + index + ": " + error.getMessage());
        return false;
    }

    /** Interrupts the driver for queue {@code index} if it wants one for what was pushed since the last call. */
    void notifyDriver(SplitVirtqueue queue, int index) {
        try {
            if (queue.needsNotification()) {
                activation.interruptQueue(index);
            }
        } catch (VirtqueueException e) {
            needsReset("queue " + index + ": " + e.getMessage());
        }
    }

    private void needsReset(String reason) {
        if (stopped.compareAndSet(false, true)) {
            activation.needsReset(id + ": " + reason);
        }
    }
}

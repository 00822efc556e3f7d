package io.modvm.virtio.balloon;

import io.modvm.virtio.device.VirtioActivation;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one-way switch from working to DEVICE_NEEDS_RESET for one activation: the first queue that hits an
 * unrecoverable guest error trips it, and every queue of the activation stops touching the rings from then on.
 */
final class ResetLatch {
    private final VirtioActivation activation;
    private final AtomicBoolean tripped = new AtomicBoolean();

    ResetLatch(VirtioActivation activation) {
        this.activation = activation;
    }

    boolean tripped() {
        return tripped.get();
    }

    /** Asks the driver for a reset, once; later calls do nothing. */
    void trip(String reason) {
        if (tripped.compareAndSet(false, true)) {
            activation.needsReset(reason);
        }
    }
}

package io.modvm.virtio.device;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one-way switch of one activation from working to DEVICE_NEEDS_RESET. The first queue that meets a guest
 * error it cannot recover from trips it, which asks the driver for a reset once; every {@link QueueServer} given
 * the same latch leaves its ring alone from then on, as the spec asks of a device in that state. A device whose
 * queues must stop together shares one latch among them; a new activation gets a new latch.
 *
 * <p>Thread-safe: each queue's worker may trip it and ask it.
 *
 * @since 1.2
 */
public final class ResetLatch {
    private final VirtioActivation activation;
    private final AtomicBoolean tripped = new AtomicBoolean();

    public ResetLatch(VirtioActivation activation) {
        this.activation = Objects.requireNonNull(activation, "activation");
    }

    /** True once the device asked for a reset: the queues of the activation must not be touched again. */
    public boolean tripped() {
        return tripped.get();
    }

    /** Asks the driver for a reset ({@link VirtioActivation#needsReset}) the first time; later calls do nothing. */
    public void trip(String reason) {
        if (tripped.compareAndSet(false, true)) {
            activation.needsReset(reason);
        }
    }
}

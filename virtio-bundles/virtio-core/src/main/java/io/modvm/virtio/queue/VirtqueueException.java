package io.modvm.virtio.queue;

import java.util.OptionalInt;

/**
 * A guest mistake found in a virtqueue. It is checked on purpose: guest input must never surface as an unchecked
 * exception in a device thread, and the compiler makes every device handle this one. {@link #error()} names the
 * problem, its {@link VirtqueueError#scope() scope} says whether the queue is still usable, and {@link #head()}
 * gives the chain to fail for {@link VirtqueueError.Scope#CHAIN CHAIN} errors.
 */
public final class VirtqueueException extends Exception {
    private static final long serialVersionUID = 1L;

    private final VirtqueueError error;
    private final int head;

    VirtqueueException(VirtqueueError error, int head, String detail) {
        super(error.name() + ": " + error.description() + (detail.isEmpty() ? "" : " (" + detail + ")"));
        this.error = error;
        this.head = head;
    }

    VirtqueueException(VirtqueueError error, String detail) {
        this(error, -1, detail);
    }

    public VirtqueueError error() {
        return error;
    }

    /** The head of the malformed chain; present exactly for {@link VirtqueueError.Scope#CHAIN} errors. */
    public OptionalInt head() {
        return head < 0 ? OptionalInt.empty() : OptionalInt.of(head);
    }

    /** True if the queue can still pop further chains; false for configuration and queue errors. */
    public boolean queueUsable() {
        return error.scope() == VirtqueueError.Scope.CHAIN;
    }
}

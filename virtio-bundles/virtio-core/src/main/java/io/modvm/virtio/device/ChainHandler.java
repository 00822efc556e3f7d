package io.modvm.virtio.device;

import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.VirtqueueException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a device does with the chains of one queue; a {@link QueueServer} pops them and hands each to {@link
 * #serve}, and applies the guest-error policy around it, so a handler only deals with well-formed chains.
 *
 * <p>Most handlers finish a chain in {@link #serve} and return the bytes they wrote into it. A handler that must
 * answer later (a receive queue waiting for host data it already popped for, a statistics buffer held until the
 * device wants the next report) returns {@link #KEPT} and later gives the chain back with {@link
 * QueueServer#complete}. A handler that can take chains only at times (no host input buffered, a rate limit's quota
 * spent) says so in {@link #ready()}, and the chains wait on the ring; it wakes the queue's worker when it is ready
 * again.
 *
 * <p>Called on the queue's worker thread only.
 *
 * @since 1.2
 */
@ConsumerType
public interface ChainHandler {
    /** What {@link #serve} returns for a chain the handler keeps, to return later ({@link QueueServer#complete}). */
    long KEPT = -1;

    /**
     * Whether a chain may be popped now; asked before each pop. The default is always. A handler that says no must
     * see to it that the queue is served again when it can take chains (typically {@link QueueWorker#wake()}).
     */
    default boolean ready() {
        return true;
    }

    /**
     * Serves one chain.
     *
     * @return the bytes written into the chain's writable buffers, with which the server returns the chain to the
     *     driver now; or {@link #KEPT}. More than {@link DescriptorChain#writableLength()} is a device bug, which the
     *     queue refuses with an {@link IllegalArgumentException} that reaches the worker
     * @throws VirtqueueException if the chain proved malformed while it was read or written: for a {@link
     *     VirtqueueException#queueUsable() usable} queue the server logs it and returns the chain with 0 bytes, as it
     *     does when a {@link RuntimeException} escapes; otherwise the device needs a reset
     */
    long serve(DescriptorChain chain) throws VirtqueueException;
}

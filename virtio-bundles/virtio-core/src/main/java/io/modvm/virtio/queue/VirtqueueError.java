package io.modvm.virtio.queue;

/**
 * What a guest did wrong with a virtqueue. Each value belongs to one {@link Scope}, which tells the device what
 * state the queue is in afterwards.
 */
public enum VirtqueueError {
    // Configuration: the queue was never created.
    BAD_QUEUE_SIZE(Scope.CONFIG, "queue size is not a power of 2 between 1 and 32768"),
    RING_MISALIGNED(Scope.CONFIG, "a ring area is not aligned as the spec requires"),
    RING_OUTSIDE_RAM(Scope.CONFIG, "a ring area is not entirely in guest RAM"),

    // Queue: the rings are inconsistent; the queue refuses further work until reset.
    AVAIL_INDEX_JUMP(Scope.QUEUE, "the available index moved more than the queue size ahead"),
    HEAD_OUT_OF_RANGE(Scope.QUEUE, "the available ring names a head descriptor outside the table"),
    RING_FAULT(Scope.QUEUE, "a ring access failed in guest memory"),
    QUEUE_BROKEN(Scope.QUEUE, "the queue already failed and must be reset"),

    // Chain: one request is malformed; its available entry was consumed and the queue goes on.
    NEXT_OUT_OF_RANGE(Scope.CHAIN, "a next pointer is outside its descriptor table"),
    DESCRIPTOR_LOOP(Scope.CHAIN, "the chain is longer than its table, so it loops"),
    INDIRECT_NOT_NEGOTIATED(Scope.CHAIN, "an indirect descriptor without VIRTIO_F_INDIRECT_DESC"),
    NESTED_INDIRECT(Scope.CHAIN, "an indirect descriptor inside an indirect table"),
    INDIRECT_WITH_NEXT(Scope.CHAIN, "an indirect descriptor also has NEXT set"),
    INDIRECT_TABLE_BAD_SIZE(Scope.CHAIN,
            "an indirect table is empty, not a multiple of 16 bytes, or has more entries than the queue size"),
    INDIRECT_TABLE_OUTSIDE_RAM(Scope.CHAIN, "an indirect table is not entirely in guest RAM"),
    BUFFER_OUTSIDE_RAM(Scope.CHAIN, "a buffer is not entirely in guest RAM"),
    READABLE_AFTER_WRITABLE(Scope.CHAIN, "a device-readable descriptor follows a device-writable one"),
    EMPTY_CHAIN(Scope.CHAIN, "the chain's total length is zero"),
    CHAIN_TOO_LONG(Scope.CHAIN, "the chain's total length exceeds 2^32 - 1 bytes"),
    CHAIN_TOO_SHORT(Scope.CHAIN, "the chain has fewer readable bytes than the request needs"),
    CHAIN_FAULT(Scope.CHAIN, "a descriptor or buffer access failed in guest memory");

    /** Where the damage is, and so what the device can still do. */
    public enum Scope {
        /**
         * The driver's queue configuration is invalid; no queue exists. The device should refuse to enable it
         * (or set DEVICE_NEEDS_RESET).
         */
        CONFIG,
        /**
         * The rings themselves are inconsistent. Nothing can be handed back to the driver; the queue throws
         * {@link #QUEUE_BROKEN} until {@link SplitVirtqueue#reset()}, and the device should set DEVICE_NEEDS_RESET.
         */
        QUEUE,
        /**
         * One chain is malformed. Its available entry was consumed and its head is known, so the device can fail
         * the request (push the head with 0 bytes written, or an error status if it found a writable byte) and pop
         * the next one; or it may choose DEVICE_NEEDS_RESET.
         */
        CHAIN
    }

    private final Scope scope;
    private final String description;

    VirtqueueError(Scope scope, String description) {
        this.scope = scope;
        this.description = description;
    }

    public Scope scope() {
        return scope;
    }

    public String description() {
        return description;
    }
}

package io.modvm.virtio.queue;

/**
 * What the driver configured for one queue: its size, the guest-physical addresses of its three areas, and whether
 * the two features that change how the rings are read were negotiated. The values come from the guest, so this
 * record accepts anything; {@link SplitVirtqueue#create} validates them.
 *
 * @param size the queue size (number of descriptors); must be a power of 2 no larger than 32768
 * @param descTable guest-physical address of the descriptor table (16-byte aligned)
 * @param availRing guest-physical address of the available ("driver") ring (2-byte aligned)
 * @param usedRing guest-physical address of the used ("device") ring (4-byte aligned)
 * @param eventIdx VIRTIO_F_EVENT_IDX was negotiated
 * @param indirectDesc VIRTIO_F_INDIRECT_DESC was negotiated
 */
public record QueueConfig(int size, long descTable, long availRing, long usedRing, boolean eventIdx,
        boolean indirectDesc) {
}

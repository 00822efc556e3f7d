package io.modvm.virtio.queue;

import java.util.List;

/**
 * A request as {@link SplitVirtqueue#pop()} found it: the head descriptor index to hand back with {@link
 * SplitVirtqueue#push}, and the chain's buffers in chain order (indirect tables already followed), split into the
 * ones the device reads and the ones it writes. Readable segments always precede writable ones in the chain.
 * Zero-length descriptors contribute no segment.
 *
 * @param head the index of the chain's first descriptor in the descriptor table
 * @param readable the device-readable buffers, in order
 * @param writable the device-writable buffers, in order
 * @param readableLength the sum of the readable lengths
 * @param writableLength the sum of the writable lengths; together with readableLength at most 2^32 - 1
 */
public record DescriptorChain(int head, List<Segment> readable, List<Segment> writable, long readableLength,
        long writableLength) {
    public DescriptorChain {
        readable = List.copyOf(readable);
        writable = List.copyOf(writable);
    }
}

package io.modvm.virtio.queue;

/**
 * One guest buffer of a descriptor chain. It was checked to lie entirely in guest RAM when the chain was popped.
 *
 * @param address guest-physical address of the first byte
 * @param length length in bytes, 1 to 2^32 - 1 (a descriptor's len is 32-bit unsigned)
 */
public record Segment(long address, long length) {
}

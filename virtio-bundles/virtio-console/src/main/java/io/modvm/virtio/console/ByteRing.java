package io.modvm.virtio.console;

/**
 * A bounded first-in first-out queue of bytes, safe for one producer and one consumer on different threads. The
 * bound is what keeps a host that sends faster than the guest reads (or a guest that never posts buffers) from
 * growing the VMM's heap.
 */
final class ByteRing {
    private final byte[] bytes;
    private int head;
    private int count;

    ByteRing(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        bytes = new byte[capacity];
    }

    synchronized int size() {
        return count;
    }

    synchronized int room() {
        return bytes.length - count;
    }

    /** Appends as many of the bytes as fit; returns how many did. */
    synchronized int offer(byte[] data, int offset, int length) {
        int n = Math.min(length, bytes.length - count);
        int tail = (head + count) % bytes.length;
        int first = Math.min(n, bytes.length - tail);
        System.arraycopy(data, offset, bytes, tail, first);
        System.arraycopy(data, offset + first, bytes, 0, n - first);
        count += n;
        return n;
    }

    /** Copies up to {@code length} of the oldest bytes into {@code destination} without removing them. */
    synchronized int peek(byte[] destination, int offset, int length) {
        int n = Math.min(length, count);
        int first = Math.min(n, bytes.length - head);
        System.arraycopy(bytes, head, destination, offset, first);
        System.arraycopy(bytes, 0, destination, offset + first, n - first);
        return n;
    }

    /** Removes the {@code length} oldest bytes (after they were peeked and delivered). */
    synchronized void consume(int length) {
        if (length < 0 || length > count) {
            throw new IllegalArgumentException("consume " + length + " of " + count);
        }
        head = (head + length) % bytes.length;
        count -= length;
    }

    synchronized void clear() {
        head = 0;
        count = 0;
    }
}

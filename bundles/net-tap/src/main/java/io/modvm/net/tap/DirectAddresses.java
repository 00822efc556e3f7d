package io.modvm.net.tap;

import java.nio.ByteBuffer;
import java.util.function.ToLongFunction;

/**
 * The native addresses of the last few direct buffers asked about, by identity. Finding a buffer's address is a
 * native call, once per buffer per frame, and a queue passes some of the same buffer objects with every frame (the
 * transmitq's virtio-net header, the receiveq's spill buffer): those are looked up once. A direct buffer's address
 * never changes, so a remembered one cannot go stale while the buffer object is the one remembered; and holding the
 * object keeps another from ever having its identity. A remembered buffer is only compared, never read or written,
 * so remembering a view of guest RAM after its frame is harmless.
 *
 * <p>Not thread-safe: one per direction of a queue, used by that direction's thread.
 */
final class DirectAddresses {
    private final ToLongFunction<ByteBuffer> lookup;
    private final ByteBuffer[] buffers;
    private final long[] addresses;
    /** The slot the next miss replaces, round robin. */
    private int next;

    /**
     * @param lookup the address of a direct buffer's first byte (index 0)
     * @param slots how many buffers to remember
     */
    DirectAddresses(ToLongFunction<ByteBuffer> lookup, int slots) {
        this.lookup = lookup;
        this.buffers = new ByteBuffer[slots];
        this.addresses = new long[slots];
    }

    /** The native address of {@code direct}'s first byte (index 0, not its position). */
    long of(ByteBuffer direct) {
        for (int i = 0; i < buffers.length; i++) {
            if (buffers[i] == direct) {
                return addresses[i];
            }
        }
        long address = lookup.applyAsLong(direct);
        buffers[next] = direct;
        addresses[next] = address;
        next = (next + 1) % buffers.length;
        return address;
    }
}

package io.modvm.virtio.net;

import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.GuestMemoryException;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.Segment;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A receive buffer the driver posted and the receiveq holds until a frame lands in it: the chain, how much of it
 * the device uses (at most one frame and its header), and views of those bytes of guest RAM, made once, into which
 * the backend reads the frame directly. The segments were checked to lie in RAM when the chain was popped; every
 * access here stays inside them.
 */
final class RxBuffer {
    final DescriptorChain chain;
    /** Bytes of the chain the device may fill. */
    final int capacity;
    /** Views of those bytes in chain order, or null if guest RAM cannot give one (the frame is then copied). */
    private final ByteBuffer[] views;

    private RxBuffer(DescriptorChain chain, int capacity, ByteBuffer[] views) {
        this.chain = chain;
        this.capacity = capacity;
        this.views = views;
    }

    /** Holds {@code chain}, using at most {@code limit} of its writable bytes. */
    static RxBuffer of(GuestMemory memory, DescriptorChain chain, int limit) {
        int capacity = (int) Math.min(limit, chain.writableLength());
        ByteBuffer[] views = new ByteBuffer[count(chain.writable(), capacity)];
        try {
            long left = capacity;
            int i = 0;
            for (Segment s : chain.writable()) {
                if (left == 0) {
                    break;
                }
                int n = (int) Math.min(left, s.length());
                views[i++] = memory.view(s.address(), n);
                left -= n;
            }
        } catch (GuestMemoryException e) {
            views = null;
        }
        return new RxBuffer(chain, capacity, views);
    }

    private static int count(List<Segment> segments, long capacity) {
        int n = 0;
        long left = capacity;
        for (Segment s : segments) {
            if (left == 0) {
                break;
            }
            left -= Math.min(left, s.length());
            n++;
        }
        return n;
    }

    boolean hasViews() {
        return views != null;
    }

    /** Adds views of this buffer's bytes from {@code skip} on to {@code out} from {@code at}; returns the next index. */
    int addViews(ByteBuffer[] out, int at, int skip) {
        int left = skip;
        for (ByteBuffer v : views) {
            if (left >= v.capacity()) {
                left -= v.capacity();
                continue;
            }
            out[at++] = left == 0 ? v.duplicate() : v.duplicate().position(left);
            left = 0;
        }
        return at;
    }

    /** How many views {@link #addViews} adds for {@code skip}. */
    int viewCount(int skip) {
        int left = skip;
        int n = 0;
        for (ByteBuffer v : views) {
            if (left >= v.capacity()) {
                left -= v.capacity();
                continue;
            }
            left = 0;
            n++;
        }
        return n;
    }

    /**
     * Copies what remains of {@code from} (up to this buffer's capacity) to the start of this buffer, advancing
     * {@code from}'s position past what it took.
     */
    void write(GuestMemory memory, ByteBuffer from) {
        int n = Math.min(capacity, from.remaining());
        if (views != null) {
            int left = n;
            for (ByteBuffer v : views) {
                if (left == 0) {
                    break;
                }
                int take = Math.min(left, v.capacity());
                v.duplicate().clear().put(from.slice().limit(take));
                from.position(from.position() + take);
                left -= take;
            }
            return;
        }
        byte[] bytes = new byte[n];
        from.get(bytes);
        write(memory, 0, bytes, 0, n);
    }

    /** Copies {@code length} bytes from {@code offset} of this buffer into {@code into}. */
    void read(GuestMemory memory, int offset, byte[] into, int length) {
        walk(memory, offset, into, 0, length, false);
    }

    /** Copies {@code length} bytes of {@code from} (from {@code fromOffset}) into this buffer at {@code offset}. */
    void write(GuestMemory memory, int offset, byte[] from, int fromOffset, int length) {
        walk(memory, offset, from, fromOffset, length, true);
    }

    private void walk(GuestMemory memory, int offset, byte[] bytes, int bytesOffset, int length, boolean write) {
        if (offset < 0 || length < 0 || (long) offset + length > capacity) {
            throw new IllegalArgumentException("bytes " + offset + "+" + length + " of a buffer of " + capacity);
        }
        if (views != null) {
            // Per frame (the filter's bytes, num_buffers): a view costs no look-up of the address in guest RAM.
            walkViews(offset, bytes, bytesOffset, length, write);
            return;
        }
        long skip = offset;
        int done = 0;
        for (Segment s : chain.writable()) {
            if (done == length) {
                return;
            }
            if (skip >= s.length()) {
                skip -= s.length();
                continue;
            }
            int n = (int) Math.min(length - done, s.length() - skip);
            if (write) {
                memory.write(s.address() + skip, bytes, bytesOffset + done, n);
            } else {
                memory.read(s.address() + skip, bytes, bytesOffset + done, n);
            }
            done += n;
            skip = 0;
        }
    }

    /** As {@link #walk} through the views, which cover the first {@link #capacity} bytes in chain order. */
    private void walkViews(int offset, byte[] bytes, int bytesOffset, int length, boolean write) {
        int skip = offset;
        int done = 0;
        for (ByteBuffer v : views) {
            if (done == length) {
                return;
            }
            if (skip >= v.capacity()) {
                skip -= v.capacity();
                continue;
            }
            int n = Math.min(length - done, v.capacity() - skip);
            if (write) {
                v.put(skip, bytes, bytesOffset + done, n);
            } else {
                v.get(skip, bytes, bytesOffset + done, n);
            }
            done += n;
            skip = 0;
        }
    }
}

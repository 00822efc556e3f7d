package io.modvm.net.user;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.modvm.api.accel.EventNotifier;
import io.modvm.api.net.NetworkQueue;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The one queue pair of a user-mode backend. A frame the NIC sends is copied into a native buffer and given to
 * libslirp, which copies it again (so a copy here costs little); frames libslirp sends to the guest wait in a
 * {@link FrameQueue} and are copied into the NIC's buffers. Frames carry no virtio-net header. Once the backend is
 * closed, sending fails with a message and nothing is received.
 */
final class UserQueue implements NetworkQueue {
    /** The longest frame the guest may send: 64 KiB (libslirp's largest MRU is 65521) and an Ethernet header. */
    static final int MAX_FRAME = 65_536 + 14;
    /** Between looks at a notifier that has no descriptor to poll. */
    private static final long SHORT_POLL_MILLIS = 10;

    private final String name;
    private final SlirpStack stack;
    private final FrameQueue frames;
    private final Memory sendBuffer = new Memory(MAX_FRAME);
    private final ByteBuffer staging = sendBuffer.getByteBuffer(0, MAX_FRAME);
    private final Memory pollfds = new Memory(2L * Libc.POLLFD_SIZE);
    private volatile boolean closed;

    UserQueue(String name, SlirpStack stack, FrameQueue frames) {
        this.name = name;
        this.stack = stack;
        this.frames = frames;
    }

    @Override
    public boolean send(ByteBuffer[] buffers) throws IOException {
        if (closed) {
            throw new IOException(name + " is closed; the frame was dropped");
        }
        long length = 0;
        for (ByteBuffer b : buffers) {
            length += b.remaining();
        }
        if (length > MAX_FRAME) {
            throw new IOException(name + ": a frame of " + length + " bytes is longer than " + MAX_FRAME
                    + "; dropped");
        }
        staging.clear();
        for (ByteBuffer b : buffers) {
            staging.put(b.duplicate());
        }
        stack.input(sendBuffer, (int) length);
        return true;
    }

    @Override
    public int receive(ByteBuffer[] buffers) {
        if (closed) {
            return 0;
        }
        byte[] frame = frames.poll();
        if (frame == null) {
            return 0;
        }
        long room = 0;
        for (ByteBuffer b : buffers) {
            room += b.remaining();
        }
        if (frame.length > room) {
            return -frame.length;
        }
        int at = 0;
        for (ByteBuffer b : buffers) {
            if (at == frame.length) {
                break;
            }
            ByteBuffer into = b.duplicate();
            int take = Math.min(into.remaining(), frame.length - at);
            into.put(frame, at, take);
            at += take;
        }
        return frame.length;
    }

    /**
     * Polls the queue's readiness descriptor and {@code wake}'s together; a wake-up is taken off the notifier, as a
     * tap's queue does.
     */
    @Override
    public boolean awaitReceivable(EventNotifier wake, long timeoutMillis) {
        if (closed) {
            wake.await(timeoutMillis);
            return false;
        }
        if (!frames.isEmpty()) {
            return true;
        }
        int wakeFd = wake.fd();
        pollfds.setInt(0, frames.fd());
        pollfds.setShort(4, Libc.POLLIN);
        pollfds.setShort(6, (short) 0);
        pollfds.setInt(8, wakeFd);
        pollfds.setShort(12, Libc.POLLIN);
        pollfds.setShort(14, (short) 0);
        int timeout = (int) Math.min(Integer.MAX_VALUE,
                wakeFd < 0 ? Math.min(timeoutMillis, SHORT_POLL_MILLIS) : timeoutMillis);
        try {
            Libc.poll(pollfds, wakeFd < 0 ? 1 : 2, timeout);
        } catch (LastErrorException e) {
            return !frames.isEmpty();
        }
        if (pollfds.getShort(6) != 0) {
            frames.consumeSignal();
        }
        if (wakeFd < 0 || pollfds.getShort(14) != 0) {
            wake.await(0);
        }
        return !frames.isEmpty();
    }

    /** libslirp takes every frame at once: the queue is always writable. */
    @Override
    public boolean awaitWritable(EventNotifier wake, long timeoutMillis) {
        return true;
    }

    void close() {
        closed = true;
    }
}

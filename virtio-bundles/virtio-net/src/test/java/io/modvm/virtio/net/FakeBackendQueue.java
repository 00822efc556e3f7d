package io.modvm.virtio.net;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.net.NetworkQueue;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A backend queue for unit tests: frames to hand the NIC, and the frames the NIC sent, as bytes. */
final class FakeBackendQueue implements NetworkQueue {
    final Deque<byte[]> incoming = new ArrayDeque<>();
    final List<byte[]> sent = new ArrayList<>();
    int dropped;
    /** What the last receive was given: how many buffers, and how many bytes they hold. */
    int offeredBuffers;
    long offeredBytes;
    /** Added to the length each receive reports, to play a backend that says it read more than it was given. */
    int overstate;

    @Override
    public synchronized boolean send(ByteBuffer[] buffers) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        for (ByteBuffer b : buffers) {
            ByteBuffer d = b.duplicate();
            byte[] bytes = new byte[d.remaining()];
            d.get(bytes);
            frame.writeBytes(bytes);
        }
        sent.add(frame.toByteArray());
        return true;
    }

    @Override
    public synchronized int receive(ByteBuffer[] buffers) {
        byte[] frame = incoming.poll();
        if (frame == null) {
            return 0;
        }
        long room = 0;
        for (ByteBuffer b : buffers) {
            room += b.remaining();
        }
        offeredBuffers = buffers.length;
        offeredBytes = room;
        if (frame.length > room) {
            dropped++;
            return -frame.length;
        }
        int at = 0;
        for (ByteBuffer b : buffers) {
            ByteBuffer d = b.duplicate();
            int n = Math.min(d.remaining(), frame.length - at);
            d.put(frame, at, n);
            at += n;
        }
        return frame.length + overstate;
    }

    @Override
    public synchronized boolean awaitReceivable(EventNotifier wake, long timeoutMillis) {
        return !incoming.isEmpty();
    }

    @Override
    public boolean awaitWritable(EventNotifier wake, long timeoutMillis) {
        return true;
    }
}

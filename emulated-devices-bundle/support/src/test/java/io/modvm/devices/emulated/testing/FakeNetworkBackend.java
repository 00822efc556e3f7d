package io.modvm.devices.emulated.testing;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.net.NetworkBackend;
import io.modvm.api.net.NetworkQueue;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A network backend of one queue pair in memory: the test queues frames for the NIC to receive and reads the frames
 * it sent, with or without the 12-byte virtio-net header in front, as a tap with and without vnet_hdr gives them.
 */
public final class FakeNetworkBackend implements NetworkBackend, NetworkQueue {
    private final boolean vnetHeader;
    private final ArrayDeque<byte[]> incoming = new ArrayDeque<>();
    private final List<byte[]> sent = new ArrayList<>();
    private volatile boolean linkUp = true;
    private volatile Runnable linkListener = () -> { };
    private volatile int offloads = -1;

    public FakeNetworkBackend(boolean vnetHeader) {
        this.vnetHeader = vnetHeader;
    }

    /** Queues {@code frame} (without a header; one of zeros is put in front for a backend with the header). */
    public synchronized void deliver(byte[] frame) {
        byte[] f = frame;
        if (vnetHeader) {
            f = new byte[VNET_HEADER_SIZE + frame.length];
            System.arraycopy(frame, 0, f, VNET_HEADER_SIZE, frame.length);
        }
        incoming.add(f);
        notifyAll();
    }

    public synchronized int waiting() {
        return incoming.size();
    }

    /** The frames sent so far, without their headers. */
    public synchronized List<byte[]> sent() {
        return new ArrayList<>(sent);
    }

    /** Waits up to {@code millis} for at least {@code count} frames sent; returns them. */
    public synchronized List<byte[]> awaitSent(int count, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (sent.size() < count && System.currentTimeMillis() < end) {
            wait(Math.max(1, end - System.currentTimeMillis()));
        }
        return new ArrayList<>(sent);
    }

    public void setLinkUp(boolean up) {
        linkUp = up;
        linkListener.run();
    }

    /** What the NIC last asked with {@link #setOffloads}, or -1. */
    public int offloads() {
        return offloads;
    }

    @Override
    public int queuePairs() {
        return 1;
    }

    @Override
    public NetworkQueue queue(int index) {
        return this;
    }

    @Override
    public boolean vnetHeader() {
        return vnetHeader;
    }

    @Override
    public void setOffloads(int offloads) {
        this.offloads = offloads;
    }

    @Override
    public boolean linkUp() {
        return linkUp;
    }

    @Override
    public void onLinkChange(Runnable listener) {
        linkListener = listener == null ? () -> { } : listener;
    }

    @Override
    public String describe() {
        return "type=fake";
    }

    @Override
    public synchronized boolean send(ByteBuffer[] buffers) {
        int n = 0;
        for (ByteBuffer b : buffers) {
            n += b.remaining();
        }
        byte[] frame = new byte[n];
        int at = 0;
        for (ByteBuffer b : buffers) {
            int r = b.remaining();
            b.duplicate().get(frame, at, r);
            at += r;
        }
        if (vnetHeader) {
            byte[] body = new byte[n - VNET_HEADER_SIZE];
            System.arraycopy(frame, VNET_HEADER_SIZE, body, 0, body.length);
            frame = body;
        }
        sent.add(frame);
        notifyAll();
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
        if (frame.length > room) {
            return -frame.length;
        }
        int at = 0;
        for (ByteBuffer b : buffers) {
            int take = Math.min(b.remaining(), frame.length - at);
            b.duplicate().put(frame, at, take);
            at += take;
        }
        return frame.length;
    }

    @Override
    public boolean awaitReceivable(EventNotifier wake, long timeoutMillis) {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < end) {
            synchronized (this) {
                if (!incoming.isEmpty()) {
                    return true;
                }
            }
            if (wake.await(2) != 0) {
                return false;
            }
        }
        return false;
    }

    @Override
    public boolean awaitWritable(EventNotifier wake, long timeoutMillis) {
        return true;
    }

    @Override
    public void close() {
    }
}

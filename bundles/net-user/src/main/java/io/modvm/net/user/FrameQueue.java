package io.modvm.net.user;

import java.util.ArrayDeque;

/**
 * The frames libslirp sent towards the guest, waiting for the NIC's receive thread. It is bounded: when the guest
 * does not take frames (no buffers, a driver that stopped), the newest are dropped, as libslirp allows (TCP sends
 * them again). An eventfd is readable while a frame may wait, so that the receive thread can wait for a frame and
 * for its own kick in one poll.
 */
final class FrameQueue implements AutoCloseable {
    /** Frames held at most: some hundreds of KiB of MTU-sized frames, a burst of a fast host-side sender. */
    static final int CAPACITY = 512;

    private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
    private final EventFd ready = new EventFd();
    private long dropped;

    /** Queues a frame; returns false if it was dropped because the queue is full. */
    boolean offer(byte[] frame) {
        synchronized (this) {
            if (frames.size() >= CAPACITY) {
                dropped++;
                return false;
            }
            frames.add(frame);
        }
        ready.signal();
        return true;
    }

    /** The oldest frame, or null. */
    synchronized byte[] poll() {
        return frames.poll();
    }

    synchronized boolean isEmpty() {
        return frames.isEmpty();
    }

    /** Frames dropped because the queue was full. */
    synchronized long dropped() {
        return dropped;
    }

    /** Readable after a frame was queued, until {@link #consumeSignal}. */
    int fd() {
        return ready.fd();
    }

    /** Takes the readiness back, after a wait woke; a frame that came meanwhile stays in {@link #isEmpty}. */
    void consumeSignal() {
        ready.drain();
    }

    @Override
    public void close() {
        synchronized (this) {
            frames.clear();
        }
        ready.close();
    }
}

package io.modvm.net.user;

import io.modvm.api.net.NetworkBackend;
import io.modvm.api.net.NetworkQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open user-mode network ({@code -netdev user}): one libslirp stack, the thread that drives it, and one queue
 * pair of plain Ethernet frames. Closing it stops the thread, closes the forwarded host ports and frees the stack.
 */
final class UserBackend implements NetworkBackend {
    private static final Logger LOG = LoggerFactory.getLogger(UserBackend.class);

    private final String name;
    private final UserConfig config;
    private final SlirpStack stack;
    private final SlirpPollLoop loop;
    private final FrameQueue frames;
    private final UserQueue queue;
    private boolean closed;

    UserBackend(String name, UserConfig config, SlirpStack stack, SlirpPollLoop loop, FrameQueue frames) {
        this.name = name;
        this.config = config;
        this.stack = stack;
        this.loop = loop;
        this.frames = frames;
        this.queue = new UserQueue(name, stack, frames);
    }

    @Override
    public int queuePairs() {
        return 1;
    }

    @Override
    public NetworkQueue queue(int index) {
        if (index != 0) {
            throw new IndexOutOfBoundsException(name + " has one queue pair, not " + (index + 1));
        }
        return queue;
    }

    @Override
    public boolean vnetHeader() {
        return false;
    }

    /** Frames carry no header, so there are no offloads to ask for. */
    @Override
    public void setOffloads(int offloads) {
    }

    /** QEMU's {@code net=10.0.2.0,restrict=off}. */
    @Override
    public String describe() {
        return config.describe();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.close();
        loop.stop();
        stack.close();
        stack.release();
        if (frames.dropped() > 0) {
            LOG.info("{}: {} frames for the guest were dropped while it did not take them", name, frames.dropped());
        }
        frames.close();
    }
}

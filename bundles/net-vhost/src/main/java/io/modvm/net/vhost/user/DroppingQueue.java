package io.modvm.net.vhost.user;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.net.NetworkQueue;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The queue a vhost-user backend offers a NIC that does not hand its rings over (only virtio-net does): its frames
 * cannot reach the back-end, which reads guest rings and nothing else, so sending fails and nothing arrives.
 */
final class DroppingQueue implements NetworkQueue {
    private final String owner;

    DroppingQueue(String owner) {
        this.owner = owner;
    }

    @Override
    public boolean send(ByteBuffer[] buffers) throws IOException {
        throw new IOException(owner + " carries frames for virtio-net only; use -device virtio-net-pci");
    }

    @Override
    public int receive(ByteBuffer[] buffers) {
        return 0;
    }

    @Override
    public boolean awaitReceivable(EventNotifier wake, long timeoutMillis) {
        wake.await(timeoutMillis);
        return false;
    }

    @Override
    public boolean awaitWritable(EventNotifier wake, long timeoutMillis) {
        wake.await(timeoutMillis);
        return false;
    }
}

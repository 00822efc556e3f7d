package io.modvm.api.net;

import io.modvm.api.accel.EventNotifier;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One queue pair of a {@link NetworkBackend}. A NIC sends on its transmit thread and receives on its receive thread;
 * each method is called by one thread at a time. Buffers are views of guest RAM: a frame moves between the guest and
 * the host without a copy in between where the host allows it.
 */
@ProviderType
public interface NetworkQueue {
    /**
     * Sends one frame: the bytes of {@code buffers} in order, from their positions to their limits (the virtio-net
     * header first, for a backend with {@link NetworkBackend#vnetHeader()}).
     *
     * @return false if the backend cannot take the frame now; the NIC keeps it and tries again after
     *     {@link #awaitWritable}
     * @throws IOException if the frame was refused (malformed, or the host's link failed): it is dropped
     */
    boolean send(ByteBuffer[] buffers) throws IOException;

    /**
     * Receives the next frame into {@code buffers}, from their positions on, in order (the header first, for a
     * backend with the header).
     *
     * @return the frame's length; 0 if no frame waits; or, if the frame was longer than the buffers, minus its
     *     length: it was dropped
     */
    int receive(ByteBuffer[] buffers) throws IOException;

    /**
     * Waits until a frame waits to be received, {@code wake} is signalled (the guest gave buffers, or the NIC is
     * stopping), or {@code timeoutMillis} has passed. Returns true if a frame may wait.
     */
    boolean awaitReceivable(EventNotifier wake, long timeoutMillis);

    /** Waits until {@link #send} can take a frame again, {@code wake} is signalled, or the timeout passes. */
    boolean awaitWritable(EventNotifier wake, long timeoutMillis);
}

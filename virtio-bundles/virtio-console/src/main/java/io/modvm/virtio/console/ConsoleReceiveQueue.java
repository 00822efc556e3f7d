package io.modvm.virtio.console;

import io.modvm.api.memory.GuestMemory;
import io.modvm.virtio.device.ChainHandler;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.QueueServer;
import io.modvm.virtio.device.ResetLatch;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.queue.ChainWriter;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.VirtqueueException;

/**
 * The receiveq (host to guest): moves buffered host input into the buffers the driver posted. A chain is taken only
 * when there is input for it ({@link #ready()}), so the driver's buffers wait on the ring and the input waits in
 * the {@link ByteRing} until both are there. Runs on the queue's worker thread only; guest errors are {@link
 * QueueServer}'s to answer.
 */
final class ConsoleReceiveQueue implements ChainHandler {
    static final int INDEX = 0;
    private static final int CHUNK = 4096;

    private final GuestMemory memory;
    private final ByteRing input;
    private final Runnable inputTaken;
    private final QueueServer server;
    private final byte[] chunk = new byte[CHUNK];
    /** Input left the ring during this {@link #serve()}. */
    private boolean taken;

    /**
     * @param activation the activation whose receiveq (enabled) is served
     * @param inputTaken called, on the worker thread and with no lock held, after input left the ring, so that the
     *     backend can send more
     * @param latch the activation's latch, shared with the transmitq: both stop once either needs a reset
     */
    ConsoleReceiveQueue(VirtioActivation activation, ByteRing input, Runnable inputTaken, ResetLatch latch,
            GuestErrorLog log) {
        this.memory = activation.memory();
        this.input = input;
        this.inputTaken = inputTaken;
        this.server = new QueueServer(activation, INDEX, "receiveq", this, latch, log);
    }

    /**
     * Delivers what input fits; the worker calls it after each kick (new buffers) and each wake (new input). With
     * input left over, the ring was found empty, which re-armed the driver's kick for its next buffer.
     */
    void serve() {
        server.serve();
        if (taken) {
            taken = false;
            inputTaken.run();
        }
    }

    @Override
    public boolean ready() {
        return input.size() > 0;
    }

    /** Copies input into the chain's writable buffers; input leaves the ring only once it is in guest memory. */
    @Override
    public long serve(DescriptorChain chain) throws VirtqueueException {
        ChainWriter writer = new ChainWriter(memory, chain);
        while (writer.remaining() > 0) {
            int n = input.peek(chunk, 0, (int) Math.min(chunk.length, writer.remaining()));
            if (n == 0) {
                break;
            }
            writer.write(chunk, 0, n);
            input.consume(n);
        }
        taken |= writer.written() > 0;
        return writer.written();
    }
}

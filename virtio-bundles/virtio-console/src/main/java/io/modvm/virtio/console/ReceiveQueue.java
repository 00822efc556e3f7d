package io.modvm.virtio.console;

import io.modvm.api.memory.GuestMemory;
import io.modvm.virtio.queue.ChainWriter;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.VirtqueueException;
import java.util.Optional;

/**
 * The receiveq (host to guest): moves buffered host input into the buffers the driver posted. A chain is taken only
 * when there is input for it, so the driver's buffers wait on the ring and the input waits in the {@link ByteRing}
 * until both are there. Runs on the queue's worker thread only.
 */
final class ReceiveQueue {
    static final int INDEX = 0;
    private static final int CHUNK = 4096;

    private final GuestMemory memory;
    private final SplitVirtqueue queue;
    private final ByteRing input;
    private final Runnable inputTaken;
    private final GuestErrors errors;
    private final byte[] chunk = new byte[CHUNK];

    /**
     * @param inputTaken called, on the worker thread and with no lock held, after input left the ring, so that the
     *     backend can send more
     */
    ReceiveQueue(GuestMemory memory, SplitVirtqueue queue, ByteRing input, Runnable inputTaken,
            GuestErrors errors) {
        this.memory = memory;
        this.queue = queue;
        this.input = input;
        this.inputTaken = inputTaken;
        this.errors = errors;
    }

    /**
     * Delivers what input fits; the worker calls it after each kick (new buffers) and each wake (new input). With
     * input left over, the ring was found empty, which re-armed the driver's kick for its next buffer.
     */
    void serve() {
        boolean pushed = false;
        boolean taken = false;
        while (!errors.stopped() && input.size() > 0) {
            try {
                Optional<DescriptorChain> next = queue.pop();
                if (next.isEmpty()) {
                    break;
                }
                long written = fill(next.get());
                queue.push(next.get(), written);
                pushed = true;
                taken |= written > 0;
            } catch (VirtqueueException e) {
                if (!errors.failed(queue, INDEX, e)) {
                    break;
                }
                pushed = true;
            }
        }
        if (pushed && !errors.stopped()) {
            errors.notifyDriver(queue, INDEX);
        }
        if (taken) {
            inputTaken.run();
        }
    }

    /** Copies input into the chain's writable buffers; input leaves the ring only once it is in guest memory. */
    private long fill(DescriptorChain chain) throws VirtqueueException {
        ChainWriter writer = new ChainWriter(memory, chain);
        while (writer.remaining() > 0) {
            int n = input.peek(chunk, 0, (int) Math.min(chunk.length, writer.remaining()));
            if (n == 0) {
                break;
            }
            writer.write(chunk, 0, n);
            input.consume(n);
        }
        return writer.written();
    }
}

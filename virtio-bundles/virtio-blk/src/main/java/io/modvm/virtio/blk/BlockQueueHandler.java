package io.modvm.virtio.blk;

import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.GuestMemoryException;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.queue.ChainReader;
import io.modvm.virtio.queue.ChainWriter;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.VirtqueueException;
import java.util.Optional;

/**
 * Serves the request queue on the device's queue thread: takes every available chain, executes it, returns it with
 * its status, and interrupts the driver once per batch if it asked for that. A malformed chain fails alone (status
 * IOERR when it has a status byte, else returned with nothing written); a broken ring sets DEVICE_NEEDS_RESET and
 * the handler stops touching the queue until the device is reset.
 */
final class BlockQueueHandler implements Runnable {
    static final int QUEUE = 0;

    private final VirtioActivation activation;
    private final SplitVirtqueue queue;
    private final GuestMemory memory;
    private final BlockRequestExecutor executor;
    private final GuestErrorLog log;
    private boolean broken;

    BlockQueueHandler(VirtioActivation activation, SplitVirtqueue queue, BlockRequestExecutor executor,
            GuestErrorLog log) {
        this.activation = activation;
        this.queue = queue;
        this.memory = activation.memory();
        this.executor = executor;
        this.log = log;
    }

    @Override
    public void run() {
        if (broken) {
            return;
        }
        try {
            do {
                queue.disableNotifications();
                // Only a round that returned chains may interrupt: the queue's first check has no history to go by.
                if (drain() > 0 && queue.needsNotification()) {
                    activation.interruptQueue(QUEUE);
                }
            } while (queue.enableNotifications());
        } catch (VirtqueueException e) {
            broken = true;
            activation.needsReset("virtio-blk request queue: " + e.getMessage());
        }
    }

    /** Whether the queue broke and the device waits for a reset. */
    boolean broken() {
        return broken;
    }

    /** Serves every available chain; returns how many were returned to the driver. */
    private int drain() throws VirtqueueException {
        int returned = 0;
        while (true) {
            Optional<DescriptorChain> next;
            try {
                next = queue.pop();
            } catch (VirtqueueException e) {
                if (!e.queueUsable() || e.head().isEmpty()) {
                    throw e;
                }
                log.report("malformed descriptor chain", e.getMessage());
                queue.push(e.head().getAsInt(), 0);
                returned++;
                continue;
            }
            if (next.isEmpty()) {
                return returned;
            }
            DescriptorChain chain = next.get();
            queue.push(chain, serve(chain));
            returned++;
        }
    }

    /** Executes one chain and writes its status; returns the bytes written into it. */
    private long serve(DescriptorChain chain) throws VirtqueueException {
        long status = BlockRequest.statusAddress(chain);
        if (status < 0) {
            log.report("request without a status byte", "head " + chain.head());
            return 0;
        }
        Completion done;
        try {
            ChainReader reader = new ChainReader(memory, chain);
            BlockRequest request = BlockRequest.parse(chain, reader);
            done = executor.execute(request, reader, new ChainWriter(memory, chain));
        } catch (VirtqueueException e) {
            if (!e.queueUsable()) {
                throw e;
            }
            log.report("malformed request", e.getMessage());
            done = Completion.IOERR;
        } catch (RuntimeException e) {
            // A bug here must still complete the request: a chain never returned hangs the guest's I/O for good.
            log.report("request handling failed", e.toString());
            done = Completion.IOERR;
        }
        try {
            memory.writeByte(status, done.status());
        } catch (GuestMemoryException e) {
            // The status byte was in RAM when the chain was popped; RAM changed under a live chain.
            log.report("status byte outside RAM", e.getMessage());
            return 0;
        }
        return done.dataWritten() + 1;
    }
}

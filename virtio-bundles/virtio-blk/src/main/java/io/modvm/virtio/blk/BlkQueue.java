package io.modvm.virtio.blk;

import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.GuestMemoryException;
import io.modvm.virtio.device.ChainHandler;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.QueueServer;
import io.modvm.virtio.device.ResetLatch;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.queue.ChainReader;
import io.modvm.virtio.queue.ChainWriter;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.VirtqueueException;

/**
 * The request queue (virtio 1.2, 5.2.6), run by the device's queue thread: executes each chain and writes its
 * status byte. A request that turns out malformed while it is read, or whose handling fails, ends with status IOERR
 * when it has a status byte; the rest of the guest-error policy (a malformed chain returned with nothing written, a
 * broken ring setting DEVICE_NEEDS_RESET, after which the queue is left alone until reset) is {@link QueueServer}'s.
 * The driver's kicks are suppressed while a batch is served: a busy disk costs the guest fewer exits.
 */
final class BlkQueue implements ChainHandler, Runnable {
    static final int INDEX = 0;

    private final GuestMemory memory;
    private final BlkRequestExecutor executor;
    private final GuestErrorLog log;
    private final QueueServer server;

    BlkQueue(VirtioActivation activation, BlkRequestExecutor executor, GuestErrorLog log) {
        this.memory = activation.memory();
        this.executor = executor;
        this.log = log;
        this.server = new QueueServer(activation, INDEX, "requestq", this, new ResetLatch(activation), log)
                .suppressKicksWhileDraining();
    }

    /** Serves every available request; the worker calls it after each kick. */
    @Override
    public void run() {
        server.serve();
    }

    /** Whether the queue broke and the device waits for a reset. */
    boolean broken() {
        return server.stopped();
    }

    /** Executes one chain and writes its status; returns the bytes written into it. */
    @Override
    public long serve(DescriptorChain chain) throws VirtqueueException {
        long status = BlkRequest.statusAddress(chain);
        if (status < 0) {
            log.report("request without a status byte", "head " + chain.head());
            return 0;
        }
        Completion done;
        try {
            ChainReader reader = new ChainReader(memory, chain);
            BlkRequest request = BlkRequest.parse(chain, reader);
            done = executor.execute(request, reader, new ChainWriter(memory, chain));
        } catch (VirtqueueException e) {
            if (!e.queueUsable()) {
                throw e;
            }
            log.report("malformed request", e.getMessage());
            done = Completion.IOERR;
        } catch (RuntimeException e) {
            // A bug here still ends the request with a status the driver understands, not just an empty chain.
            log.reportHost("request handling failed", e.toString());
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

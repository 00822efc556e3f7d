package io.modvm.virtio.balloon;

import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.GuestMemoryException;
import io.modvm.virtio.device.ChainHandler;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.VirtqueueException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The inflate and deflate queues, which both carry arrays of page frame numbers. On the inflate queue the driver
 * gives up the pages it names, and each run of them goes back to the host with {@link GuestMemory#discard}, which is
 * what shrinks the host's resident memory. On the deflate queue the driver takes pages back; the host has nothing to
 * do, since a discarded page faults in again (zeroed) on the guest's next touch, but the request is still read so
 * that bad frame numbers are reported.
 */
final class BalloonPfnQueue implements ChainHandler {
    private final GuestMemory memory;
    private final GuestErrorLog errors;
    private final String name;
    private final boolean discard;
    private final AtomicLong pages = new AtomicLong();

    private BalloonPfnQueue(GuestMemory memory, GuestErrorLog errors, String name, boolean discard) {
        this.memory = memory;
        this.errors = errors;
        this.name = name;
        this.discard = discard;
    }

    static BalloonPfnQueue inflate(GuestMemory memory, GuestErrorLog errors) {
        return new BalloonPfnQueue(memory, errors, "inflateq", true);
    }

    static BalloonPfnQueue deflate(GuestMemory memory, GuestErrorLog errors) {
        return new BalloonPfnQueue(memory, errors, "deflateq", false);
    }

    @Override
    public long serve(DescriptorChain chain) throws VirtqueueException {
        PageRuns runs = new PageRuns(memory, this::run);
        PfnRequest.read(memory, chain, runs, errors, name);
        return 0;
    }

    private void run(long firstPfn, long count) {
        if (!discard) {
            pages.addAndGet(count);
            return;
        }
        try {
            memory.discard(firstPfn << PageRuns.PAGE_SHIFT, count << PageRuns.PAGE_SHIFT);
            pages.addAndGet(count);
        } catch (GuestMemoryException e) {
            // The run was checked to be RAM; RAM that changed under us is still no reason to fail the request.
            errors.report(name + " discard", e.getMessage());
        } catch (RuntimeException e) {
            // The host kept the pages (fallocate refused); the guest has given them up all the same.
            errors.reportHost(name + " discard failed", e.toString());
        }
    }

    /** Pages the driver gave up (inflate) or took back (deflate) since activation. */
    long pages() {
        return pages.get();
    }
}

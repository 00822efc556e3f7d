package io.modvm.virtio.balloon;

import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.GuestMemoryException;
import io.modvm.virtio.device.ChainHandler;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.Segment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The free page reporting queue (virtio 1.2, 5.5.6.7): the driver lends ranges of free memory as device-writable
 * buffers, the device gives their pages back to the host, and returning the buffer tells the driver it may use the
 * memory again (it faults back in, zeroed). Only whole pages are discarded; a range that is not page-aligned is
 * skipped and reported, since discarding would zero the guest's data around it.
 */
final class BalloonReportingQueue implements ChainHandler {
    private static final long PAGE_MASK = PageRuns.PAGE_SIZE - 1;

    private final GuestMemory memory;
    private final GuestErrorLog errors;
    private final AtomicLong bytes = new AtomicLong();

    BalloonReportingQueue(GuestMemory memory, GuestErrorLog errors) {
        this.memory = memory;
        this.errors = errors;
    }

    /** Returns the chain with 0 bytes written: the driver only needs it back. */
    @Override
    public long serve(DescriptorChain chain) {
        for (Segment segment : chain.writable()) {
            discard(segment);
        }
        return 0;
    }

    private void discard(Segment segment) {
        long address = segment.address();
        long length = segment.length();
        if ((address & PAGE_MASK) != 0 || (length & PAGE_MASK) != 0) {
            errors.report("reporting_vq alignment",
                    String.format("range of %d bytes at 0x%x is not whole pages; not discarded", length, address));
            return;
        }
        if (!memory.isRam(address, length)) {
            errors.report("reporting_vq range", String.format("range of %d bytes at 0x%x is not guest RAM", length,
                    address));
            return;
        }
        try {
            memory.discard(address, length);
            bytes.addAndGet(length);
        } catch (GuestMemoryException e) {
            errors.report("reporting_vq discard", e.getMessage());
        } catch (RuntimeException e) {
            errors.reportHost("reporting_vq discard failed", e.toString());
        }
    }

    /** Bytes of reported free memory returned to the host since activation. */
    long bytesDiscarded() {
        return bytes.get();
    }
}

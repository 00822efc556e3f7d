package io.modvm.api.accel;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Logging of the guest's writes to its RAM, for pre-copy migration: started by
 * {@link VirtualMachine#startDirtyLog()}, stopped by {@link #close()}.
 *
 * <p>What it sees: writes by the vCPUs (and by anything the accelerator itself completes, such as the in-kernel
 * devices) to writable RAM slots. What it does not see: writes the VMM makes through {@link RamRegion#view} (device
 * emulation filling a virtio buffer, a disk read landing in guest RAM), nor those of an outside process sharing the
 * memory. Whoever migrates must cover those itself: mark the pages its devices wrote, or send those devices' buffers
 * again with their state in the stop-and-copy phase.
 *
 * <p>The first {@link #fetch} after the start reports every page a writable slot maps (and so does the first fetch
 * after a slot is mapped while the log runs): logging begins with all pages dirty, so that the guest's pages are
 * write-protected chunk by chunk as they are fetched rather than all at once when logging starts, and every page is
 * sent once. Read-only slots are never logged.
 *
 * <p>One log at a time per VM; fetches may come from any thread, one at a time.
 */
@ProviderType
public interface DirtyPageLog extends AutoCloseable {
    /** Size of the pages the bitmap counts: 4 KiB. */
    int PAGE_SIZE = 4096;

    /**
     * The pages of {@code region} written since the previous fetch (or, the first time, every page), and clears them
     * so that the next fetch reports only later writes. The bitmap has one bit per {@link #PAGE_SIZE} page of the
     * region in offset order: page {@code p} (bytes {@code p * 4096} to {@code p * 4096 + 4095} of the region) is bit
     * {@code p % 64} of word {@code p / 64}. Pages of the region that no slot maps are never set.
     *
     * <p>Read the pages' contents after this returns, never before: the pages are write-protected again when their
     * bits are cleared here, so a write after that shows in the next fetch, and a write before it is in what you read.
     *
     * @throws AcceleratorException with one line naming the slot and the host's error
     */
    long[] fetch(RamRegion region) throws AcceleratorException;

    /** Stops logging; the slots go back to running without write tracking. */
    @Override
    void close();
}

package io.modvm.api.accel;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/** Host memory backing guest RAM. */
@ProviderType
public interface RamRegion extends AutoCloseable {
    /** Size in bytes. */
    long size();

    /**
     * A little-endian view of {@code length} bytes at {@code offset}. Views share the memory; callers cache them
     * rather than asking per access.
     */
    ByteBuffer view(long offset, int length);

    /** Gives the pages of the range back to the host; they read as zero afterwards. */
    void discard(long offset, long length);

    /**
     * The file descriptor behind the region (a memfd), which another process or the kernel maps to reach the same
     * pages (vhost-net, a vhost-user backend); -1 if the memory has none. The region owns it.
     *
     * @since 1.3
     */
    default int fd() {
        return -1;
    }

    /**
     * Where offset 0 of the region is mapped in this process, as vhost's {@code userspace_addr} names it; 0 if the
     * memory cannot say.
     *
     * @since 1.3
     */
    default long hostAddress() {
        return 0;
    }

    /**
     * Replaces the memory behind the region with the memory of {@code fd}, a memfd of the same size that another
     * process handed over (a local migration): the same host address and the same descriptor number then reach the
     * new pages, so KVM's slots (which follow the host mapping), cached views and vhost's memory table all see them
     * without being rebuilt; the region's own pages are freed. The region takes ownership of {@code fd}. The caller
     * makes sure nothing runs on the memory meanwhile (vCPUs held, devices not started).
     *
     * @throws AcceleratorException if {@code fd} is not of the region's size or cannot be mapped; the region then
     *     keeps its own memory and {@code fd} is closed
     * @since 1.5
     */
    default void adopt(int fd) throws AcceleratorException {
        throw new AcceleratorException("this guest memory cannot take over memory from another process");
    }

    /**
     * The first offset at or after {@code offset} that may hold data, or {@link #size()} if none does: the range
     * before it has never been written (or was {@link #discard discarded}) and reads as zero, so a reader (a
     * migration's first pass) can skip it without touching it, which would make the host back it with memory. The
     * default cannot tell and answers {@code offset}.
     *
     * @since 1.6
     */
    default long dataFrom(long offset) {
        return offset;
    }

    /**
     * The end of the data that starts at {@code offset}: the first offset after it that reads as zero without
     * having been written, or {@link #size()}. The default answers {@link #size()}.
     *
     * @since 1.6
     */
    default long dataUntil(long offset) {
        return size();
    }

    @Override
    void close();
}

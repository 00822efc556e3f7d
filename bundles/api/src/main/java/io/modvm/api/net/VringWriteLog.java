package io.modvm.api.net;

import java.io.IOException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The pages of guest RAM a {@link VringOffload}'s datapath wrote while a migration runs: the frames it received
 * into the guest's buffers and the used-ring entries it returned. The accelerator's dirty log cannot see those
 * writes (they come from outside the vCPUs), so the machine adds these pages to each pass of pre-copy.
 *
 * <p>Started by {@link VringOffload#startWriteLog}; it stays readable after the offload stopped its rings, so that
 * the stop-and-copy phase fetches it once more after the NIC took the rings back and misses nothing written last.
 *
 * @since 1.2
 */
@ProviderType
public interface VringWriteLog extends AutoCloseable {
    /** Size of the pages the bitmap counts: 4 KiB, vhost's VHOST_LOG_PAGE. */
    int PAGE_SIZE = 4096;

    /**
     * The guest-physical pages written since the previous fetch (or since the log started), and clears them: page
     * {@code p}, the bytes from {@code p * 4096}, is bit {@code p % 64} of word {@code p / 64}. The array covers the
     * guest-physical addresses the log was started for.
     *
     * @throws IOException if the log cannot be read any more
     */
    long[] fetch() throws IOException;

    /** Stops logging (the datapath goes on without it) and frees the log. */
    @Override
    void close();
}

package io.modvm.block;

/**
 * The ranges of a disk written since the log started, in chunks of {@link #granularity()} bytes: what a copy of
 * the disk made beside the running guest (block migration) must send again. Every write, zeroing and discard that
 * goes through the node's {@link DiskImage} marks the chunks it touches.
 */
public interface WriteLog extends AutoCloseable {
    /** The chunk size in bytes, a power of two. */
    long granularity();

    /** The chunks written since the last fetch (or the start), one bit per chunk, chunk 0 in bit 0 of word 0; clears them. */
    long[] fetch();

    /** Stops logging. */
    @Override
    void close();
}

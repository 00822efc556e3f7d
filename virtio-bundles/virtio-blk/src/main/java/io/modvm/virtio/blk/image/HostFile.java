package io.modvm.virtio.blk.image;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The host file under an image, with positional I/O only. Two kinds exist because O_DIRECT needs aligned buffers,
 * offsets and lengths: {@link BufferedHostFile} goes through the page cache, {@link DirectHostFile} bypasses it.
 */
interface HostFile extends Closeable {
    Path path();

    /** Fills {@code destination} with the bytes at {@code position}; bytes past the end of the file read as zero. */
    void read(ByteBuffer destination, long position) throws IOException;

    /** Writes all of {@code source} at {@code position}, growing the file if needed. */
    void write(ByteBuffer source, long position) throws IOException;

    /** Fills {@code destinations} in order with the bytes from {@code position} on, as {@link #read} does. */
    default void read(ByteBuffer[] destinations, long position) throws IOException {
        BufferRuns.each(destinations, position, this::read);
    }

    /** Writes {@code sources} in order from {@code position} on, as {@link #write} does. */
    default void write(ByteBuffer[] sources, long position) throws IOException {
        BufferRuns.each(sources, position, this::write);
    }

    long size() throws IOException;

    /** fsync: data and metadata durable. */
    void force() throws IOException;
}

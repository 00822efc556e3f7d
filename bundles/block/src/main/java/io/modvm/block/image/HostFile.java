package io.modvm.block.image;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The host file under an image, with positional I/O only. Two kinds exist because O_DIRECT needs aligned buffers,
 * offsets and lengths: {@link BufferedHostFile} goes through the page cache, {@link DirectHostFile} bypasses it.
 */
public interface HostFile extends Closeable {
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

    /** This file for a second user, such as a format node over a file node: closing the view leaves it open. */
    default HostFile borrowed() {
        HostFile owner = this;
        return new HostFile() {
            @Override
            public Path path() {
                return owner.path();
            }

            @Override
            public void read(ByteBuffer destination, long position) throws IOException {
                owner.read(destination, position);
            }

            @Override
            public void write(ByteBuffer source, long position) throws IOException {
                owner.write(source, position);
            }

            @Override
            public void read(ByteBuffer[] destinations, long position) throws IOException {
                owner.read(destinations, position);
            }

            @Override
            public void write(ByteBuffer[] sources, long position) throws IOException {
                owner.write(sources, position);
            }

            @Override
            public long size() throws IOException {
                return owner.size();
            }

            @Override
            public void force() throws IOException {
                owner.force();
            }

            @Override
            public void close() {
            }
        };
    }
}

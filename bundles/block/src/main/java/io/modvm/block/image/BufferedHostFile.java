package io.modvm.block.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A host file accessed through the page cache (cache=writeback, writethrough, unsafe). Several buffers move in one
 * readv or writev: a request's guest buffers are often one page each.
 */
final class BufferedHostFile extends ChannelHostFile {
    BufferedHostFile(Path path, FileChannel channel) {
        super(path, channel);
    }

    @Override
    public void read(ByteBuffer destination, long position) throws IOException {
        long at = position;
        while (destination.hasRemaining()) {
            int n = channel.read(destination, at);
            if (n < 0) {
                BufferRuns.zeroRest(destination);
                return;
            }
            at += n;
        }
    }

    @Override
    public void write(ByteBuffer source, long position) throws IOException {
        writeFully(source, position);
    }

    /** One scatter read of the buffers that still have room, repeated until none has; the position as in vectored. */
    @Override
    public synchronized void read(ByteBuffer[] destinations, long position) throws IOException {
        if (destinations.length == 1) {
            read(destinations[0], position);
            return;
        }
        if (!vectored(destinations, position, channel::read)) {
            for (ByteBuffer d : destinations) {
                BufferRuns.zeroRest(d);
            }
        }
    }

    @Override
    public synchronized void write(ByteBuffer[] sources, long position) throws IOException {
        if (sources.length == 1) {
            write(sources[0], position);
            return;
        }
        vectored(sources, position, channel::write);
    }

    /** A readv or writev of {@code length} buffers from {@code offset}; returns bytes moved, or -1 at end of file. */
    private interface Vectored {
        long apply(ByteBuffer[] buffers, int offset, int length) throws IOException;
    }

    /**
     * Applies {@code op} until no buffer has bytes left; false if it met the end of the file first. FileChannel has
     * no positional readv or writev, so this moves the channel's own position: nothing else uses it (every other
     * transfer names its position), and the callers' lock keeps two of these apart.
     */
    private boolean vectored(ByteBuffer[] buffers, long position, Vectored op) throws IOException {
        channel.position(position);
        int first = BufferRuns.firstWithRemaining(buffers, 0);
        while (first < buffers.length) {
            if (op.apply(buffers, first, buffers.length - first) < 0) {
                return false;
            }
            first = BufferRuns.firstWithRemaining(buffers, first);
        }
        return true;
    }
}

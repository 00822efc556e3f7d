package io.modvm.block.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** The file-level operations both host file kinds share; they differ only in how bytes move. */
abstract class ChannelHostFile implements HostFile {
    private final Path path;
    protected final FileChannel channel;

    ChannelHostFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    @Override
    public Path path() {
        return path;
    }

    /** Writes all of {@code source} at {@code position}: a positional write may take only part of it. */
    protected final void writeFully(ByteBuffer source, long position) throws IOException {
        long at = position;
        while (source.hasRemaining()) {
            at += channel.write(source, at);
        }
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public void force() throws IOException {
        channel.force(true);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

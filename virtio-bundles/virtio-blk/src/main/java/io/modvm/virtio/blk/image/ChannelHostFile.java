package io.modvm.virtio.blk.image;

import java.io.IOException;
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

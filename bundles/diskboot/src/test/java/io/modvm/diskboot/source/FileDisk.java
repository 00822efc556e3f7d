package io.modvm.diskboot.source;

import io.modvm.api.boot.BootDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A raw image file as a boot disk, opened read-only: what the machine's block backend gives a source. */
final class FileDisk implements BootDisk, AutoCloseable {
    private final Path path;
    private final FileChannel channel;

    FileDisk(Path path) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
    }

    @Override
    public String name() {
        return path.getFileName().toString();
    }

    @Override
    public long size() {
        try {
            return channel.size();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void read(ByteBuffer destination, long offset) throws IOException {
        while (destination.hasRemaining()) {
            int n = channel.read(destination, offset);
            if (n < 0) {
                throw new IOException("end of file at " + offset);
            }
            offset += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

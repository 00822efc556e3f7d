package io.modvm.virtio.blk.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** A host file accessed through the page cache (cache=writeback, writethrough, unsafe). */
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
                while (destination.hasRemaining()) {
                    destination.put((byte) 0);
                }
                return;
            }
            at += n;
        }
    }

    @Override
    public void write(ByteBuffer source, long position) throws IOException {
        long at = position;
        while (source.hasRemaining()) {
            at += channel.write(source, at);
        }
    }
}

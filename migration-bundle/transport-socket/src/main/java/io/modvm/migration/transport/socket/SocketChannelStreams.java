package io.modvm.migration.transport.socket;

import io.modvm.api.migration.MigrationChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A connected socket as a migration channel. The streams call the channel directly: the JDK's channel streams take
 * the channel's blocking lock, so a reader waiting for the other side's answer would stall a writer.
 */
final class SocketChannelStreams implements MigrationChannel {
    private final SocketChannel channel;
    private final String description;
    private final InputStream in;
    private final OutputStream out;

    SocketChannelStreams(SocketChannel channel, String description) {
        this.channel = channel;
        this.description = description;
        this.in = ChunkStreams.input((b, off, len) -> channel.read(ByteBuffer.wrap(b, off, len)));
        this.out = ChunkStreams.output((b, off, len) -> {
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        });
    }

    @Override
    public OutputStream output() {
        return out;
    }

    @Override
    public InputStream input() {
        return in;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

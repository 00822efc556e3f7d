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
    private final InputStream in = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            return channel.read(ByteBuffer.wrap(b, off, len));
        }
    };
    private final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }
    };

    SocketChannelStreams(SocketChannel channel, String description) {
        this.channel = channel;
        this.description = description;
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

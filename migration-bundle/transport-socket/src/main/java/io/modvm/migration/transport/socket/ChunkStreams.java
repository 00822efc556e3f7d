package io.modvm.migration.transport.socket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Streams over a socket's own read and write calls, so that each channel writes only those two. */
final class ChunkStreams {
    /** Reads up to {@code len} bytes; -1 at the end. */
    @FunctionalInterface
    interface Reader {
        int read(byte[] b, int off, int len) throws IOException;
    }

    /** Writes all {@code len} bytes. */
    @FunctionalInterface
    interface Writer {
        void write(byte[] b, int off, int len) throws IOException;
    }

    private ChunkStreams() {
    }

    static InputStream input(Reader reader) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : reader.read(b, off, len);
            }
        };
    }

    static OutputStream output(Writer writer) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                writer.write(b, off, len);
            }
        };
    }
}

package io.modvm.migration.snapshot;

import io.modvm.block.InternalSnapshots;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/** A qcow2 image's VM state area as a stream: {@code savevm} writes the migration stream there, {@code loadvm} reads it. */
final class VmStateStreams {
    private VmStateStreams() {
    }

    /** Writes from position 0 on; {@link Counting#written()} is the size to record in the snapshot. */
    static final class Counting extends OutputStream {
        private final InternalSnapshots area;
        private long position;

        Counting(InternalSnapshots area) {
            this.area = area;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            area.writeVmState(ByteBuffer.wrap(b, off, len), position);
            position += len;
        }

        long written() {
            return position;
        }
    }

    /** Reads {@code size} bytes from position 0, then reports the end. */
    static InputStream reader(InternalSnapshots area, long size) {
        return new InputStream() {
            private long position;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - position);
                area.readVmState(ByteBuffer.wrap(b, off, n), position);
                position += n;
                return n;
            }
        };
    }
}

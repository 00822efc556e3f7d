package io.modvm.devices.emulated.ide;

import io.modvm.block.BlockNode;
import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A disk image in the heap that records any access outside itself: the device must never make one, so a test fails
 * on {@link #strayAccesses} rather than relying on the device to notice the exception.
 */
final class MemoryImage implements DiskImage {
    final byte[] bytes;
    private final boolean readOnly;
    int strayAccesses;
    int flushes;

    MemoryImage(int size, boolean readOnly) {
        this.bytes = new byte[size];
        this.readOnly = readOnly;
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 7 + (i >>> 9) * 13);
        }
    }

    BlockNode node() {
        DiskImage self = this;
        return new BlockNode() {
            @Override
            public DiskImage image() {
                return self;
            }

            @Override
            public CacheMode cache() {
                return CacheMode.WRITEBACK;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public String format() {
        return "raw";
    }

    @Override
    public Path path() {
        return Path.of("memory.img");
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    private synchronized void check(long offset, int length, boolean write) throws IOException {
        if (offset < 0 || offset + length > bytes.length || (write && readOnly)) {
            strayAccesses++;
            throw new IOException("access " + offset + "+" + length + " outside the image or to a read-only one");
        }
    }

    @Override
    public synchronized void read(ByteBuffer destination, long offset) throws IOException {
        check(offset, destination.remaining(), false);
        destination.put(bytes, (int) offset, destination.remaining());
    }

    @Override
    public synchronized void write(ByteBuffer source, long offset) throws IOException {
        check(offset, source.remaining(), true);
        source.get(bytes, (int) offset, source.remaining());
    }

    @Override
    public void read(ByteBuffer[] destinations, long offset) throws IOException {
        for (ByteBuffer b : destinations) {
            int n = b.remaining();
            read(b, offset);
            offset += n;
        }
    }

    @Override
    public void write(ByteBuffer[] sources, long offset) throws IOException {
        for (ByteBuffer b : sources) {
            int n = b.remaining();
            write(b, offset);
            offset += n;
        }
    }

    @Override
    public void writeZeroes(long offset, long length, boolean unmap) throws IOException {
        throw new IOException("not used by IDE");
    }

    @Override
    public void discard(long offset, long length) {
    }

    @Override
    public synchronized void flush() {
        flushes++;
    }

    @Override
    public long discardGranularity() {
        return 512;
    }

    @Override
    public long actualSize() {
        return bytes.length;
    }

    @Override
    public DiskImage backing() {
        return null;
    }

    @Override
    public void close() {
    }
}

package io.modvm.block.backend;

import io.modvm.block.DiskImage;
import io.modvm.block.InternalSnapshots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * A node's image as devices get it: every call goes to the image, and while a {@link WriteBitmap} runs, writes,
 * zeroings and discards also mark it. Tracking here, in the block layer, catches every writer of the disk (any
 * device model, a block job), where tracking in one device would not; when no log runs, it costs one volatile read
 * per write.
 */
final class TrackedImage implements DiskImage {
    private final DiskImage image;
    private volatile WriteBitmap log;

    TrackedImage(DiskImage image) {
        this.image = image;
    }

    synchronized WriteBitmap track(long granularity) {
        if (log != null) {
            throw new IllegalStateException("writes to " + image.path() + " are already being logged");
        }
        WriteBitmap started = new WriteBitmap(image.size(), granularity, this::stop);
        log = started;
        return started;
    }

    private synchronized void stop() {
        log = null;
    }

    private void mark(long offset, long length) {
        WriteBitmap l = log;
        if (l != null) {
            l.mark(offset, length);
        }
    }

    private static long remaining(ByteBuffer[] buffers) {
        long n = 0;
        for (ByteBuffer b : buffers) {
            n += b.remaining();
        }
        return n;
    }

    @Override
    public void write(ByteBuffer source, long offset) throws IOException {
        long length = source.remaining();
        image.write(source, offset);
        mark(offset, length);
    }

    @Override
    public void write(ByteBuffer[] sources, long offset) throws IOException {
        long length = remaining(sources);
        image.write(sources, offset);
        mark(offset, length);
    }

    @Override
    public void writeZeroes(long offset, long length, boolean unmap) throws IOException {
        image.writeZeroes(offset, length, unmap);
        mark(offset, length);
    }

    @Override
    public void discard(long offset, long length) throws IOException {
        image.discard(offset, length);
        mark(offset, length);
    }

    @Override
    public String format() {
        return image.format();
    }

    @Override
    public Path path() {
        return image.path();
    }

    @Override
    public long size() {
        return image.size();
    }

    @Override
    public boolean readOnly() {
        return image.readOnly();
    }

    @Override
    public void read(ByteBuffer destination, long offset) throws IOException {
        image.read(destination, offset);
    }

    @Override
    public void read(ByteBuffer[] destinations, long offset) throws IOException {
        image.read(destinations, offset);
    }

    @Override
    public void flush() throws IOException {
        image.flush();
    }

    @Override
    public long discardGranularity() {
        return image.discardGranularity();
    }

    @Override
    public long actualSize() {
        return image.actualSize();
    }

    @Override
    public DiskImage backing() {
        return image.backing();
    }

    @Override
    public String backingName() {
        return image.backingName();
    }

    @Override
    public long clusterSize() {
        return image.clusterSize();
    }

    @Override
    public Map<String, Object> formatSpecific() {
        return image.formatSpecific();
    }

    @Override
    public InternalSnapshots internalSnapshots() {
        return image.internalSnapshots();
    }

    @Override
    public void close() throws IOException {
        image.close();
    }
}

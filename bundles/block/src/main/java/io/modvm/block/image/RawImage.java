package io.modvm.block.image;

import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A raw image: disk byte N is file byte N. Discard is ignored, as QEMU's default {@code discard=ignore} does: Java
 * has no portable hole punching, and a discard promises nothing about the contents.
 */
final class RawImage extends FileImage {
    private static final int ZERO_CHUNK = 1 << 20;

    private final long size;

    RawImage(HostFile file, boolean readOnly, CacheMode cache) throws IOException {
        super(file, readOnly, cache);
        this.size = file.size();
    }

    @Override
    public String format() {
        return "raw";
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(ByteBuffer destination, long offset) throws IOException {
        ImageRanges.check(offset, destination.remaining(), size);
        file.read(destination, offset);
    }

    @Override
    public void write(ByteBuffer source, long offset) throws IOException {
        ImageRanges.checkWritable(readOnly, path());
        ImageRanges.check(offset, source.remaining(), size);
        file.write(source, offset);
    }

    @Override
    public void read(ByteBuffer[] destinations, long offset) throws IOException {
        ImageRanges.check(offset, BufferRuns.total(destinations), size);
        file.read(destinations, offset);
    }

    @Override
    public void write(ByteBuffer[] sources, long offset) throws IOException {
        ImageRanges.checkWritable(readOnly, path());
        ImageRanges.check(offset, BufferRuns.total(sources), size);
        file.write(sources, offset);
    }

    @Override
    public void writeZeroes(long offset, long length, boolean unmap) throws IOException {
        ImageRanges.checkWritable(readOnly, path());
        ImageRanges.check(offset, length, size);
        ByteBuffer zeroes = ByteBuffer.allocate((int) Math.min(ZERO_CHUNK, length));
        long done = 0;
        while (done < length) {
            zeroes.clear().limit((int) Math.min(zeroes.capacity(), length - done));
            file.write(zeroes, offset + done);
            done += zeroes.limit();
        }
    }

    @Override
    public void discard(long offset, long length) throws IOException {
        ImageRanges.checkWritable(readOnly, path());
        ImageRanges.check(offset, length, size);
    }

    @Override
    public long discardGranularity() {
        return 512;
    }

    @Override
    public DiskImage backing() {
        return null;
    }
}

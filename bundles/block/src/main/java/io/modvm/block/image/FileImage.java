package io.modvm.block.image;

import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** What every image format shares: the host file under it, its access mode and its cache mode. */
abstract class FileImage implements DiskImage {
    protected final HostFile file;
    protected final boolean readOnly;
    private final CacheMode cache;

    FileImage(HostFile file, boolean readOnly, CacheMode cache) {
        this.file = file;
        this.readOnly = readOnly;
        this.cache = cache;
    }

    /** One buffer after the other; a format that can do better (raw: one readv) overrides it. */
    @Override
    public void read(ByteBuffer[] destinations, long offset) throws IOException {
        BufferRuns.each(destinations, offset, this::read);
    }

    @Override
    public void write(ByteBuffer[] sources, long offset) throws IOException {
        BufferRuns.each(sources, offset, this::write);
    }

    @Override
    public Path path() {
        return file.path();
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    /** Every metadata write was issued in order as it happened, so one fsync makes all of it durable. */
    @Override
    public void flush() throws IOException {
        if (!readOnly && !cache.noFlush()) {
            file.force();
        }
    }

    @Override
    public long actualSize() {
        try {
            return file.size();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}

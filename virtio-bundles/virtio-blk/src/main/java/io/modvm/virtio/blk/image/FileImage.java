package io.modvm.virtio.blk.image;

import java.io.IOException;
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

package io.modvm.block.backend;

import io.modvm.api.boot.BootDisk;
import io.modvm.block.BlockNode;
import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import io.modvm.block.WriteLog;
import io.modvm.block.image.HostFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open block node: its image, and what closes with it (the image, a host file it owns). A file node also lends its
 * host file to a format node opened on it. It is also the read-only view a boot source reads the disk through, so
 * that a firmware-less boot reads what the guest would (a qcow2 image with its backing file), and never writes.
 */
final class OpenNode implements BlockNode, BootDisk {
    private static final Logger LOG = LoggerFactory.getLogger(OpenNode.class);

    private final TrackedImage image;
    private final CacheMode cache;
    private final HostFile file;
    private final List<Closeable> owned;

    /**
     * @param file the host file a format node may be opened on, or null
     * @param owned closed with the node, in order
     */
    OpenNode(DiskImage image, CacheMode cache, HostFile file, List<Closeable> owned) {
        this.image = new TrackedImage(image);
        this.cache = cache;
        this.file = file;
        this.owned = List.copyOf(owned);
    }

    @Override
    public DiskImage image() {
        return image;
    }

    @Override
    public CacheMode cache() {
        return cache;
    }

    @Override
    public WriteLog trackWrites(long granularity) {
        return image.track(granularity);
    }

    /** The host file under this node, for a format node on top; null for a node that has none to lend. */
    HostFile hostFile() {
        return file;
    }

    @Override
    public String name() {
        return image.path().toString();
    }

    @Override
    public long size() {
        return image.size();
    }

    @Override
    public void read(ByteBuffer destination, long offset) throws IOException {
        if (offset < 0 || offset > image.size() || destination.remaining() > image.size() - offset) {
            throw new IOException("bytes " + offset + "+" + destination.remaining() + " lie beyond the disk's "
                    + image.size());
        }
        image.read(destination, offset);
    }

    @Override
    public String describe() {
        return image.format() + ":" + image.path();
    }

    @Override
    public void close() {
        for (Closeable c : owned) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.warn("closing {} failed: {}", image.path(), e.getMessage());
            }
        }
    }
}

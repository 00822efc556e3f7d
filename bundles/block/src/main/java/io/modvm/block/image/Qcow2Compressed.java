package io.modvm.block.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Compressed qcow2 clusters (zlib raw deflate, as {@code qemu-img convert -c} writes them). The L2 entry packs the
 * file offset of the compressed bytes and how many 512-byte sectors they span; the last cluster read is kept, since
 * a guest reads a cluster in several requests.
 */
final class Qcow2Compressed {
    private static final long SECTOR = 512;

    private final HostFile file;
    private final int clusterBits;
    private final int offsetBits;
    private long cachedEntry = -1;
    private ByteBuffer cached;

    Qcow2Compressed(HostFile file, int clusterBits) {
        this.file = file;
        this.clusterBits = clusterBits;
        this.offsetBits = 62 - (clusterBits - 8);
    }

    private long hostOffset(long entry) {
        return entry & ((1L << offsetBits) - 1);
    }

    /** Bytes from {@link #hostOffset}: the stored sector count covers whole sectors, the first one partly. */
    private long storedLength(long entry) {
        long sectors = ((entry >>> offsetBits) & ((1L << (clusterBits - 8)) - 1)) + 1;
        return sectors * SECTOR - (hostOffset(entry) & (SECTOR - 1));
    }

    /** The decompressed cluster of L2 entry {@code entry}, as a read-only buffer of {@code clusterSize} bytes. */
    ByteBuffer read(long entry, long clusterSize) throws IOException {
        if (entry != cachedEntry) {
            ByteBuffer stored = ByteBuffer.allocate((int) storedLength(entry));
            file.read(stored, hostOffset(entry));
            byte[] out = new byte[(int) clusterSize];
            Inflater inflater = new Inflater(true);
            try {
                inflater.setInput(stored.array());
                int n = 0;
                while (n < out.length && !inflater.finished()) {
                    int got = inflater.inflate(out, n, out.length - n);
                    if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                        break;
                    }
                    n += got;
                }
                if (n != out.length) {
                    throw new ImageFormatException(file.path() + ": qcow2 compressed cluster at "
                            + hostOffset(entry) + " inflates to " + n + " bytes, not " + out.length);
                }
            } catch (DataFormatException e) {
                throw new ImageFormatException(file.path() + ": qcow2 compressed cluster at " + hostOffset(entry)
                        + " is not valid deflate data (" + e.getMessage() + ")");
            } finally {
                inflater.end();
            }
            cached = ByteBuffer.wrap(out).asReadOnlyBuffer();
            cachedEntry = entry;
        }
        return cached.duplicate();
    }

    /** The host clusters the compressed bytes of {@code entry} touch, each holding one reference for it. */
    List<Long> hostClusters(long entry) {
        long first = hostOffset(entry) >> clusterBits;
        long last = (hostOffset(entry) + storedLength(entry) - 1) >> clusterBits;
        List<Long> clusters = new ArrayList<>();
        for (long c = first; c <= last; c++) {
            clusters.add(c << clusterBits);
        }
        return clusters;
    }
}

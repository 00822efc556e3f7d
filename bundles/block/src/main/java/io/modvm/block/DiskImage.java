package io.modvm.block;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * A disk image as the device sees it: a run of {@link #size()} bytes that can be read, written, zeroed, discarded and
 * flushed. Offsets and lengths are in bytes; callers keep them inside {@link #size()} (the device checks guest
 * sectors before calling), and an image refuses anything else with an {@link IOException}. Implementations are
 * thread-safe, so the monitor may ask for sizes while the device's queue thread does I/O.
 */
public interface DiskImage extends Closeable {
    /** The format name as QEMU spells it: {@code raw} or {@code qcow2}. */
    String format();

    /** The image file. */
    Path path();

    /** The virtual disk size in bytes. */
    long size();

    boolean readOnly();

    /** Fills {@code destination} from its position to its limit with the bytes at {@code offset}. */
    void read(ByteBuffer destination, long offset) throws IOException;

    /** Stores {@code source} from its position to its limit at {@code offset}. */
    void write(ByteBuffer source, long offset) throws IOException;

    /**
     * Fills {@code destinations} in order as one run of bytes at {@code offset}: a request's guest buffers, which an
     * image may fill with one host call.
     */
    void read(ByteBuffer[] destinations, long offset) throws IOException;

    /** Stores {@code sources} in order as one run of bytes at {@code offset}. */
    void write(ByteBuffer[] sources, long offset) throws IOException;

    /**
     * Makes {@code [offset, offset + length)} read as zeroes. With {@code unmap} the image may give the space back
     * instead of writing zeroes.
     */
    void writeZeroes(long offset, long length, boolean unmap) throws IOException;

    /** A hint that the range is no longer needed; afterwards it reads as its old contents or as zeroes. */
    void discard(long offset, long length) throws IOException;

    /** Makes every completed write durable: metadata first, then one {@code fsync} of the image file. */
    void flush() throws IOException;

    /** The unit below which a discard frees nothing: the cluster size for qcow2. */
    long discardGranularity();

    /** Bytes the image file takes on the host (its length; sparse files may take less). */
    long actualSize();

    /** The backing image reads fall through to, or null. */
    DiskImage backing();

    /** The backing file name as the image stores it (possibly relative), or null. */
    default String backingName() {
        return null;
    }

    /** The allocation unit in bytes, or 0 for formats without one. */
    default long clusterSize() {
        return 0;
    }

    /** Format details as QEMU's {@code ImageInfoSpecific} data gives them, or null. */
    default Map<String, Object> formatSpecific() {
        return null;
    }

    /**
     * The image's internal snapshots (qcow2), or null for a format that cannot hold them (raw), as QEMU's {@code
     * savevm} then refuses the drive. A read-only image lists its snapshots but refuses to change them.
     */
    default InternalSnapshots internalSnapshots() {
        return null;
    }
}

package io.modvm.api.memory;

import java.nio.ByteBuffer;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Guest-physical RAM. Every method checks the whole range against RAM and throws
 * {@link GuestMemoryException} for anything outside it, so a guest-supplied address can never reach host memory
 * that is not guest RAM. Multi-byte values are little-endian.
 */
@ProviderType
public interface GuestMemory {
    /** True if {@code [address, address + length)} lies entirely in RAM. */
    boolean isRam(long address, long length);

    /** Reads the byte at guest-physical {@code address}. */
    byte readByte(long address);

    /** Reads 2 bytes at guest-physical {@code address}, little-endian. */
    short readShort(long address);

    /** Reads 4 bytes at guest-physical {@code address}, little-endian. */
    int readInt(long address);

    /** Reads 8 bytes at guest-physical {@code address}, little-endian. */
    long readLong(long address);

    /** Writes one byte at guest-physical {@code address}. */
    void writeByte(long address, byte value);

    /** Writes 2 bytes at guest-physical {@code address}, little-endian. */
    void writeShort(long address, short value);

    /** Writes 4 bytes at guest-physical {@code address}, little-endian. */
    void writeInt(long address, int value);

    /** Writes 8 bytes at guest-physical {@code address}, little-endian. */
    void writeLong(long address, long value);

    /** Copies {@code length} bytes of guest RAM at {@code address} into {@code destination} from {@code offset}. */
    void read(long address, byte[] destination, int offset, int length);

    /** Copies {@code length} bytes of {@code source} from {@code offset} into guest RAM at {@code address}. */
    void write(long address, byte[] source, int offset, int length);

    /**
     * Gives the host pages behind a page-aligned range back to the host (a balloon's freed pages); the range reads
     * as zero afterwards. Partial pages at either end are zero-filled instead.
     */
    void discard(long address, long length);

    /** Zero-fills a range. */
    void fill(long address, long length, byte value);

    /**
     * A little-endian view of a range that shares guest RAM, for bulk I/O without a copy (a file read or write
     * straight into or out of the guest). Fails like every other method if the range is not in RAM, and also if it
     * crosses a boundary between host mappings; callers then fall back to {@link #read}/{@link #write}.
     *
     * <p>What a caller gets: the view covers exactly the checked range, so nothing done through it reaches host
     * memory outside guest RAM. {@link #discard} keeps it valid (those pages read as zero until written again). It
     * does not outlive this memory: guest RAM is unmapped when the guest resets or shuts down (the next run gets new
     * RAM and a new GuestMemory), and touching a view after that can crash the JVM. So a view is for the work it was
     * taken for and must not be kept; devices take views on their own threads, which the machine stops (device
     * reset or close) before it unmaps RAM.
     */
    ByteBuffer view(long address, int length);

    /**
     * Says that a device wrote {@code [address, address + length)} through a {@link #view} it took earlier (a ring it
     * keeps for a queue's life, a buffer it held until a frame came). Writes through a view are invisible to the
     * memory, which knows of a view only when it is taken; a migration that copies RAM while the guest runs must
     * send those bytes again, and learns of them here. Devices call it once the write is done (a chain returned to
     * the driver), on their own threads, before they are quiesced. A range outside RAM is ignored.
     *
     * @since 1.3
     */
    default void written(long address, long length) {
    }

    /**
     * Where guest RAM lives on the host, one entry per guest-physical range: what a vhost backend needs to map the
     * same pages (its memory table). Empty if the memory cannot say (RAM without a descriptor).
     *
     * @since 1.2
     */
    default List<RamMapping> mappings() {
        return List.of();
    }
}

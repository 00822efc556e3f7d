package io.modvm.api.memory;

import java.nio.ByteBuffer;
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

    byte readByte(long address);

    short readShort(long address);

    int readInt(long address);

    long readLong(long address);

    void writeByte(long address, byte value);

    void writeShort(long address, short value);

    void writeInt(long address, int value);

    void writeLong(long address, long value);

    void read(long address, byte[] destination, int offset, int length);

    void write(long address, byte[] source, int offset, int length);

    /**
     * Gives the host pages behind a page-aligned range back to the host (a balloon's freed pages); the range reads
     * as zero afterwards. Partial pages at either end are zero-filled instead.
     */
    void discard(long address, long length);

    /** Zero-fills a range. */
    void fill(long address, long length, byte value);

    /**
     * A view of a range for bulk I/O, valid until the machine ends. Fails if the range is not in RAM or crosses
     * a boundary between host mappings; callers then fall back to {@link #read}/{@link #write}.
     */
    ByteBuffer view(long address, int length);
}

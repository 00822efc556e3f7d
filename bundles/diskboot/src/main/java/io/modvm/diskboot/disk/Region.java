package io.modvm.diskboot.disk;

import io.modvm.api.boot.BootDisk;
import io.modvm.api.boot.BootSourceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A run of a disk's bytes (the whole disk, a partition) that every reader goes through: each read is checked against
 * the run's end here, so that an offset or length a hostile image gives becomes one line, not a read elsewhere.
 */
public final class Region {
    /** The most one read may take: no single structure a reader needs is larger. */
    private static final int MAX_READ = 64 << 20;

    private final BootDisk disk;
    private final long start;
    private final long length;
    private final String name;

    private Region(BootDisk disk, long start, long length, String name) {
        this.disk = disk;
        this.start = start;
        this.length = length;
        this.name = name;
    }

    public static Region whole(BootDisk disk) {
        return new Region(disk, 0, disk.size(), disk.name());
    }

    /** The part at {@code offset} of {@code size} bytes, checked to lie inside this region. */
    public Region slice(long offset, long size, String sliceName) throws BootSourceException {
        if (offset < 0 || size < 0 || offset > length || size > length - offset) {
            throw new BootSourceException(name + ": " + sliceName + " (bytes " + offset + "+" + size
                    + ") lies beyond the end of the image (" + length + " bytes): the image is truncated or its "
                    + "partition table is corrupt");
        }
        return new Region(disk, start + offset, size, name + " " + sliceName);
    }

    /** The disk's name and where in it this region is, for messages: {@code disk.img partition 1}. */
    public String name() {
        return name;
    }

    public long length() {
        return length;
    }

    /** {@code size} bytes at {@code offset}, little-endian; {@code what} names the structure for the message. */
    public ByteBuffer read(long offset, long size, String what) throws BootSourceException {
        if (offset < 0 || size < 0 || offset > length || size > length - offset) {
            throw new BootSourceException(name + ": " + what + " (bytes " + offset + "+" + size
                    + ") lies beyond the end (" + length + " bytes): the image is truncated or corrupt");
        }
        if (size > MAX_READ) {
            throw new BootSourceException(name + ": " + what + " would take " + size + " bytes, more than the "
                    + MAX_READ + " one structure may: the image is corrupt");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        readInto(b, offset, what);
        return b.flip();
    }

    /** Fills {@code into} from its position to its limit with the bytes at {@code offset}. */
    public void readInto(ByteBuffer into, long offset, String what) throws BootSourceException {
        long size = into.remaining();
        if (offset < 0 || offset > length || size > length - offset) {
            throw new BootSourceException(name + ": " + what + " (bytes " + offset + "+" + size
                    + ") lies beyond the end (" + length + " bytes): the image is truncated or corrupt");
        }
        try {
            disk.read(into, start + offset);
        } catch (IOException e) {
            throw new BootSourceException(name + ": " + what + " cannot be read: " + e.getMessage(), e);
        }
    }
}

package io.modvm.block.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The qcow2 header (QEMU's docs/interop/qcow2.txt), versions 2 and 3, with its extensions, checked so that nothing
 * later trusts a field blindly: cluster size 512 B to 2 MiB, tables aligned and of sane sizes, and every feature
 * this implementation does not support refused with a message that says what to do.
 *
 * @param version 2 or 3
 * @param clusterBits log2 of the cluster size
 * @param size the virtual disk size in bytes
 * @param l1Size L1 entries
 * @param l1Offset file offset of the L1 table
 * @param refcountTableOffset file offset of the refcount table
 * @param refcountTableClusters clusters the refcount table takes
 * @param refcountOrder log2 of the refcount width in bits
 * @param snapshots internal snapshot count (at most {@link #MAX_SNAPSHOTS})
 * @param snapshotsOffset file offset of the snapshot table (cluster-aligned; 0 or stale when there are none)
 * @param autoclearFeatures autoclear feature bits (cleared when the image is opened writable)
 * @param headerLength bytes of the fixed header (72 for version 2)
 * @param backingFile the backing file name as stored, or null
 * @param backingFormat the backing format from the header extension, or null to probe
 */
record Qcow2Header(int version, int clusterBits, long size, int l1Size, long l1Offset, long refcountTableOffset,
        int refcountTableClusters, int refcountOrder, int snapshots, long snapshotsOffset, long autoclearFeatures,
        int headerLength, String backingFile, String backingFormat) {
    static final int MAGIC = 0x514649FB;
    static final int AUTOCLEAR_OFFSET = 88;
    /** Header fields l1_size (4 bytes) and l1_table_offset (8), next to each other: one write switches tables. */
    static final int L1_FIELDS_OFFSET = 36;
    /** Header fields nb_snapshots (4 bytes) and snapshots_offset (8): one write switches snapshot tables. */
    static final int SNAPSHOT_FIELDS_OFFSET = 60;
    /** QEMU's QCOW_MAX_SNAPSHOTS. */
    static final int MAX_SNAPSHOTS = 65536;
    /** The fixed part of a snapshot table entry, the least each entry takes. */
    static final int SNAPSHOT_ENTRY_HEADER = 40;
    /** Bytes of the header read at open; the fixed part plus extensions must fit in the first cluster anyway. */
    static final int READ_BYTES = 4096;

    private static final long INCOMPAT_DIRTY = 1;
    private static final long INCOMPAT_CORRUPT = 2;
    private static final long INCOMPAT_DATA_FILE = 4;
    private static final long INCOMPAT_COMPRESSION = 8;
    private static final long INCOMPAT_EXTENDED_L2 = 16;
    private static final int EXT_END = 0;
    private static final int EXT_BACKING_FORMAT = 0xE2792ACA;
    private static final int MAX_L1_ENTRIES = 32 << 20;
    private static final int MAX_BACKING_NAME = 1023;

    long clusterSize() {
        return 1L << clusterBits;
    }

    /** Parses the header in {@code bytes} (big-endian, from file offset 0); {@code path} names the file in errors. */
    static Qcow2Header parse(ByteBuffer bytes, Path path, long fileSize) throws IOException {
        String name = path.toString();
        if (bytes.getInt(0) != MAGIC) {
            throw new ImageFormatException(name + " is not a qcow2 image (bad magic); use format=raw");
        }
        int version = bytes.getInt(4);
        if (version != 2 && version != 3) {
            throw new ImageFormatException(name + ": qcow2 version " + version + " is not supported (2 and 3 are)");
        }
        long backingOffset = bytes.getLong(8);
        int backingSize = bytes.getInt(16);
        int clusterBits = bytes.getInt(20);
        if (clusterBits < 9 || clusterBits > 21) {
            throw new ImageFormatException(name + ": qcow2 cluster_bits " + clusterBits + " outside 9..21");
        }
        long size = bytes.getLong(24);
        if (size < 0) {
            throw new ImageFormatException(name + ": qcow2 virtual size is negative");
        }
        if (bytes.getInt(32) != 0) {
            throw new ImageFormatException(name + ": encrypted qcow2 images are not supported; decrypt it with"
                    + " qemu-img convert");
        }
        int l1Size = bytes.getInt(36);
        long l1Offset = bytes.getLong(40);
        long refcountTableOffset = bytes.getLong(48);
        int refcountTableClusters = bytes.getInt(56);
        int snapshots = bytes.getInt(SNAPSHOT_FIELDS_OFFSET);
        long snapshotsOffset = bytes.getLong(SNAPSHOT_FIELDS_OFFSET + 4);
        long incompatible = 0;
        long autoclear = 0;
        int refcountOrder = 4;
        int headerLength = 72;
        if (version == 3) {
            incompatible = bytes.getLong(72);
            autoclear = bytes.getLong(AUTOCLEAR_OFFSET);
            refcountOrder = bytes.getInt(96);
            headerLength = bytes.getInt(100);
            if (headerLength < 104 || headerLength > READ_BYTES - 8 || headerLength % 8 != 0) {
                throw new ImageFormatException(name + ": qcow2 header_length " + headerLength + " is invalid");
            }
        }
        checkIncompatible(name, incompatible);
        if (refcountOrder < 3 || refcountOrder > 6) {
            throw new ImageFormatException(name + ": qcow2 refcount width of " + (1 << Math.min(refcountOrder, 30))
                    + " bits is not supported (8 to 64 are); convert with qemu-img convert -o refcount_bits=16");
        }
        long clusterSize = 1L << clusterBits;
        long l2Entries = clusterSize / 8;
        long neededL1 = ceilDiv(ceilDiv(size, clusterSize), l2Entries);
        if (l1Size < 0 || l1Size > MAX_L1_ENTRIES || l1Size < neededL1) {
            throw new ImageFormatException(name + ": qcow2 L1 table of " + Integer.toUnsignedString(l1Size)
                    + " entries does not fit a disk of " + size + " bytes");
        }
        checkTable(name, "L1 table", l1Offset, 8L * l1Size, clusterSize, fileSize);
        if (refcountTableClusters <= 0 || refcountTableClusters > (1 << 20)) {
            throw new ImageFormatException(name + ": qcow2 refcount table of " + refcountTableClusters
                    + " clusters is invalid");
        }
        checkTable(name, "refcount table", refcountTableOffset, refcountTableClusters * clusterSize, clusterSize,
                fileSize);
        if (snapshots < 0 || snapshots > MAX_SNAPSHOTS) {
            throw new ImageFormatException(name + ": qcow2 snapshot count " + Integer.toUnsignedString(snapshots)
                    + " is more than the " + MAX_SNAPSHOTS + " allowed; repair it with qemu-img check -r all");
        }
        if (snapshots > 0) {
            checkTable(name, "snapshot table", snapshotsOffset, (long) SNAPSHOT_ENTRY_HEADER * snapshots,
                    clusterSize, fileSize);
        }
        String backingFile = null;
        if (backingOffset != 0) {
            if (backingSize <= 0 || backingSize > MAX_BACKING_NAME || backingOffset < headerLength
                    || backingOffset + backingSize > Math.min(clusterSize, bytes.capacity())) {
                throw new ImageFormatException(name + ": qcow2 backing file name field is invalid");
            }
            byte[] raw = new byte[backingSize];
            bytes.get((int) backingOffset, raw);
            backingFile = new String(raw, StandardCharsets.UTF_8);
        }
        String backingFormat = readBackingFormat(bytes, name, headerLength,
                backingOffset != 0 ? (int) backingOffset : (int) Math.min(clusterSize, bytes.capacity()));
        return new Qcow2Header(version, clusterBits, size, l1Size, l1Offset, refcountTableOffset,
                refcountTableClusters, refcountOrder, snapshots, snapshotsOffset, autoclear, headerLength, backingFile,
                backingFormat);
    }

    private static void checkIncompatible(String name, long incompatible) throws IOException {
        if ((incompatible & INCOMPAT_DIRTY) != 0) {
            throw new ImageFormatException(name + ": qcow2 dirty bit is set (the last writer did not close it);"
                    + " repair it with qemu-img check -r all");
        }
        if ((incompatible & INCOMPAT_CORRUPT) != 0) {
            throw new ImageFormatException(name + ": qcow2 image is marked corrupt; repair it with"
                    + " qemu-img check -r all");
        }
        if ((incompatible & INCOMPAT_DATA_FILE) != 0) {
            throw new ImageFormatException(name + ": qcow2 external data files are not supported; convert with"
                    + " qemu-img convert -O qcow2");
        }
        if ((incompatible & INCOMPAT_COMPRESSION) != 0) {
            throw new ImageFormatException(name + ": qcow2 compression types other than zlib are not supported;"
                    + " convert with qemu-img convert -O qcow2");
        }
        if ((incompatible & INCOMPAT_EXTENDED_L2) != 0) {
            throw new ImageFormatException(name + ": qcow2 extended L2 entries (subclusters) are not supported;"
                    + " convert with qemu-img convert -O qcow2");
        }
        if (incompatible != 0) {
            throw new ImageFormatException(name + ": qcow2 incompatible feature bits 0x"
                    + Long.toHexString(incompatible) + " are not supported");
        }
    }

    private static void checkTable(String name, String what, long offset, long length, long clusterSize,
            long fileSize) throws IOException {
        if (length == 0) {
            return;
        }
        if (offset <= 0 || (offset & (clusterSize - 1)) != 0 || length > fileSize || offset > fileSize - length) {
            throw new ImageFormatException(name + ": qcow2 " + what + " at " + offset + " (" + length
                    + " bytes) is misaligned or past the end of the file");
        }
    }

    /** Walks the header extensions (they end before {@code limit}) for the backing format name. */
    private static String readBackingFormat(ByteBuffer bytes, String name, int start, int limit) throws IOException {
        int at = start;
        while (at + 8 <= limit) {
            int type = bytes.getInt(at);
            int length = bytes.getInt(at + 4);
            if (type == EXT_END) {
                return null;
            }
            if (length < 0 || length > limit - at - 8) {
                throw new ImageFormatException(name + ": qcow2 header extension 0x" + Integer.toHexString(type)
                        + " runs past the header");
            }
            if (type == EXT_BACKING_FORMAT) {
                byte[] raw = new byte[length];
                bytes.get(at + 8, raw);
                return new String(raw, StandardCharsets.UTF_8);
            }
            at += 8 + ((length + 7) & ~7);
        }
        return null;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}

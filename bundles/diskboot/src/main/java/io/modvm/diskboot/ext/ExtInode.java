package io.modvm.diskboot.ext;

import java.nio.ByteBuffer;

/** One inode: its type, size, flags and the 60 bytes of {@code i_block} (block map, extent root or link text). */
record ExtInode(long number, int mode, long size, int flags, long sectors, ByteBuffer block) {
    static final int EXTENTS_FL = 0x80000;
    static final int INLINE_DATA_FL = 0x10000000;
    private static final int TYPE_MASK = 0xF000;

    static ExtInode parse(long number, ByteBuffer raw) {
        int mode = raw.getShort(0) & 0xFFFF;
        long size = Integer.toUnsignedLong(raw.getInt(4)) | Integer.toUnsignedLong(raw.getInt(108)) << 32;
        ByteBuffer block = raw.slice(40, 60).order(raw.order());
        return new ExtInode(number, mode, size, raw.getInt(32), Integer.toUnsignedLong(raw.getInt(28)), block);
    }

    boolean isDirectory() {
        return (mode & TYPE_MASK) == 0x4000;
    }

    boolean isSymlink() {
        return (mode & TYPE_MASK) == 0xA000;
    }

    boolean isRegular() {
        return (mode & TYPE_MASK) == 0x8000;
    }

    boolean hasExtents() {
        return (flags & EXTENTS_FL) != 0;
    }

    /** A link whose text fits {@code i_block} itself, with no data block. */
    boolean isFastSymlink() {
        return isSymlink() && size < 60 && !hasExtents() && (flags & INLINE_DATA_FL) == 0;
    }
}

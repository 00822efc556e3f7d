package io.modvm.diskboot.ext;

import io.modvm.api.boot.BootSourceException;
import io.modvm.diskboot.disk.Region;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The ext2/3/4 superblock's fields this reader needs, each checked against the others and the partition size. */
record ExtSuperblock(long inodesCount, long blocksCount, int blockSize, long firstDataBlock, long blocksPerGroup,
        long inodesPerGroup, int inodeSize, int descSize, boolean fileType, boolean extents, String uuid,
        String label, String type) {
    static final int OFFSET = 1024;
    static final int MAGIC = 0xEF53;
    private static final int INCOMPAT_COMPRESSION = 0x1;
    private static final int INCOMPAT_FILETYPE = 0x2;
    private static final int INCOMPAT_RECOVER = 0x4;
    private static final int INCOMPAT_JOURNAL_DEV = 0x8;
    private static final int INCOMPAT_EXTENTS = 0x40;
    private static final int INCOMPAT_64BIT = 0x80;
    private static final int INCOMPAT_MMP = 0x100;
    private static final int INCOMPAT_FLEX_BG = 0x200;
    private static final int INCOMPAT_EA_INODE = 0x400;
    private static final int INCOMPAT_CSUM_SEED = 0x2000;
    private static final int INCOMPAT_LARGEDIR = 0x4000;
    /** What this reader understands; a file system needing more is refused by name, not misread. */
    private static final int SUPPORTED = INCOMPAT_FILETYPE | INCOMPAT_RECOVER | INCOMPAT_EXTENTS | INCOMPAT_64BIT
            | INCOMPAT_MMP | INCOMPAT_FLEX_BG | INCOMPAT_EA_INODE | INCOMPAT_CSUM_SEED | INCOMPAT_LARGEDIR;

    static ExtSuperblock read(Region region) throws BootSourceException {
        ByteBuffer s = region.read(OFFSET, 1024, "the ext superblock");
        String where = region.name() + " (ext)";
        int incompat = s.getInt(96);
        if ((incompat & ~SUPPORTED) != 0) {
            throw new BootSourceException(where + ": the file system uses features modvm does not read (incompat "
                    + "flags 0x" + Integer.toHexString(incompat & ~SUPPORTED) + ", e.g. inline data, meta_bg or "
                    + "encryption); boot it with -kernel, or through firmware");
        }
        int logBlock = s.getInt(24);
        if (logBlock < 0 || logBlock > 6) {
            throw corrupt(where, "its block size is 1024 << " + Integer.toUnsignedString(logBlock));
        }
        int blockSize = 1024 << logBlock;
        boolean is64 = (incompat & INCOMPAT_64BIT) != 0;
        long blocks = Integer.toUnsignedLong(s.getInt(4)) | (is64 ? Integer.toUnsignedLong(s.getInt(336)) << 32 : 0);
        long inodes = Integer.toUnsignedLong(s.getInt(0));
        long firstData = Integer.toUnsignedLong(s.getInt(20));
        long bpg = Integer.toUnsignedLong(s.getInt(32));
        long ipg = Integer.toUnsignedLong(s.getInt(40));
        int rev = s.getInt(76);
        int inodeSize = rev == 0 ? 128 : s.getShort(88) & 0xFFFF;
        int descSize = is64 ? s.getShort(254) & 0xFFFF : 32;
        if (blocks == 0 || blocks > region.length() / blockSize) {
            throw corrupt(where, "it claims " + blocks + " blocks of " + blockSize + " bytes, but the partition "
                    + "holds " + region.length() / blockSize + " (is the image truncated?)");
        }
        if (bpg == 0 || bpg > 8L * blockSize || ipg == 0 || ipg > 8L * blockSize || inodes == 0) {
            throw corrupt(where, "its groups hold " + bpg + " blocks and " + ipg + " inodes");
        }
        if (inodeSize < 128 || inodeSize > blockSize || Integer.bitCount(inodeSize) != 1) {
            throw corrupt(where, "its inodes are " + inodeSize + " bytes");
        }
        if (descSize < 32 || descSize > 1024 || Integer.bitCount(descSize) != 1) {
            throw corrupt(where, "its group descriptors are " + descSize + " bytes");
        }
        if (firstData >= blocks || firstData > 1) {
            throw corrupt(where, "its first data block is " + firstData);
        }
        boolean extentsFeature = (incompat & INCOMPAT_EXTENTS) != 0;
        int compat = s.getInt(92);
        String type = extentsFeature || is64 || (incompat & INCOMPAT_FLEX_BG) != 0 ? "ext4"
                : (compat & 0x4) != 0 ? "ext3" : "ext2";
        return new ExtSuperblock(inodes, blocks, blockSize, firstData, bpg, ipg, inodeSize, descSize,
                (incompat & INCOMPAT_FILETYPE) != 0, extentsFeature, uuid(s, 104), label(s), type);
    }

    long groups() {
        return (blocksCount - firstDataBlock + blocksPerGroup - 1) / blocksPerGroup;
    }

    static BootSourceException corrupt(String where, String what) {
        return new BootSourceException(where + ": corrupt superblock: " + what + "; check the image with "
                + "e2fsck -n");
    }

    private static String uuid(ByteBuffer s, int at) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                b.append('-');
            }
            b.append(String.format("%02x", s.get(at + i) & 0xFF));
        }
        return b.toString();
    }

    private static String label(ByteBuffer s) {
        byte[] raw = new byte[16];
        s.get(120, raw);
        int n = 0;
        while (n < raw.length && raw[n] != 0) {
            n++;
        }
        return new String(raw, 0, n, StandardCharsets.UTF_8);
    }
}

package io.modvm.diskboot.ext;

import io.modvm.api.boot.BootSourceException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Maps a file's logical blocks to the disk's: the extent tree of ext4 or the block map (direct and indirect
 * blocks) of ext2/3. Every block number read is checked against the file system's size; the extent tree's depth
 * must fall by one at each level, so a tree that points back into itself ends at the depth limit.
 */
final class ExtBlocks {
    private static final int EXTENT_MAGIC = 0xF30A;
    /** ext4 never builds deeper trees; a deeper one is corrupt. */
    private static final int MAX_DEPTH = 5;
    /** A bound on the tree nodes one file may make this reader visit: a hostile tree could fan out widely. */
    private static final int MAX_NODES = 1 << 16;

    private final ExtFileSystem fs;
    private final ExtInode inode;
    /** The disk block of each logical block, 0 for a hole. */
    private final long[] map;
    private int nodes;

    private ExtBlocks(ExtFileSystem fs, ExtInode inode, int blocks) {
        this.fs = fs;
        this.inode = inode;
        this.map = new long[blocks];
    }

    /** The disk block of each of the first {@code blocks} logical blocks of {@code inode}; 0 for a hole. */
    static long[] map(ExtFileSystem fs, ExtInode inode, int blocks) throws BootSourceException {
        ExtBlocks b = new ExtBlocks(fs, inode, blocks);
        if ((inode.flags() & ExtInode.INLINE_DATA_FL) != 0) {
            throw fs.corrupt(inode, "keeps its data inline, which modvm does not read");
        }
        if (inode.hasExtents()) {
            b.extentNode(inode.block().duplicate().order(ByteOrder.LITTLE_ENDIAN), -1);
        } else {
            b.blockMap();
        }
        return b.map;
    }

    private void extentNode(ByteBuffer node, int expectedDepth) throws BootSourceException {
        if (++nodes > MAX_NODES) {
            throw fs.corrupt(inode, "has an extent tree of more than " + MAX_NODES + " nodes");
        }
        int magic = node.getShort(0) & 0xFFFF;
        int entries = node.getShort(2) & 0xFFFF;
        int max = node.getShort(4) & 0xFFFF;
        int depth = node.getShort(6) & 0xFFFF;
        if (magic != EXTENT_MAGIC) {
            throw fs.corrupt(inode, "has a corrupt extent tree (bad magic 0x" + Integer.toHexString(magic) + ")");
        }
        if (entries > max || 12 + 12L * max > node.capacity() || depth > MAX_DEPTH
                || (expectedDepth >= 0 && depth != expectedDepth)) {
            throw fs.corrupt(inode, "has a corrupt extent tree (" + entries + " of " + max + " entries at depth "
                    + depth + (expectedDepth >= 0 ? ", expected depth " + expectedDepth : "") + ")");
        }
        for (int i = 0; i < entries; i++) {
            int at = 12 + 12 * i;
            long logical = Integer.toUnsignedLong(node.getInt(at));
            if (depth == 0) {
                int len = node.getShort(at + 4) & 0xFFFF;
                boolean unwritten = len > 32768;
                if (unwritten) {
                    len -= 32768; // reads as zeroes: leave the hole
                }
                long start = (long) (node.getShort(at + 6) & 0xFFFF) << 32 | Integer.toUnsignedLong(node.getInt(at + 8));
                if (!unwritten) {
                    place(logical, start, len);
                }
            } else {
                if (logical >= map.length) {
                    continue; // the file's needed blocks are all before this child
                }
                long leaf = Integer.toUnsignedLong(node.getInt(at + 4)) | (long) (node.getShort(at + 8) & 0xFFFF) << 32;
                fs.checkBlock(inode, leaf, 1);
                extentNode(fs.readBlocks(leaf, 1, "an extent tree block of inode " + inode.number()), depth - 1);
            }
        }
    }

    private void place(long logical, long start, int len) throws BootSourceException {
        if (len == 0) {
            return;
        }
        fs.checkBlock(inode, start, len);
        for (int i = 0; i < len && logical + i < map.length; i++) {
            map[(int) (logical + i)] = start + i;
        }
    }

    private void blockMap() throws BootSourceException {
        ByteBuffer b = inode.block().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int next = 0;
        for (int i = 0; i < 12 && next < map.length; i++) {
            next = direct(Integer.toUnsignedLong(b.getInt(4 * i)), next);
        }
        for (int level = 1; level <= 3 && next < map.length; level++) {
            next = indirect(Integer.toUnsignedLong(b.getInt(44 + 4 * level)), level, next);
        }
    }

    private int direct(long block, int next) throws BootSourceException {
        if (block != 0) {
            fs.checkBlock(inode, block, 1);
            map[next] = block;
        }
        return next + 1;
    }

    /** Fills the map from an indirect block of {@code level}; returns the next logical block. */
    private int indirect(long block, int level, int next) throws BootSourceException {
        long perBlock = fs.blockSize() / 4;
        long span = 1;
        for (int i = 1; i < level; i++) {
            span *= perBlock;
        }
        if (block == 0) {
            return (int) Math.min(map.length, next + span * perBlock); // a hole the size of the whole subtree
        }
        if (++nodes > MAX_NODES) {
            throw fs.corrupt(inode, "has a block map of more than " + MAX_NODES + " indirect blocks");
        }
        fs.checkBlock(inode, block, 1);
        ByteBuffer ptrs = fs.readBlocks(block, 1, "an indirect block of inode " + inode.number());
        for (int i = 0; i < perBlock && next < map.length; i++) {
            long child = Integer.toUnsignedLong(ptrs.getInt(4 * i));
            next = level == 1 ? direct(child, next) : indirect(child, level - 1, next);
        }
        return next;
    }
}

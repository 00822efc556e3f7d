package io.modvm.diskboot.ext;

import io.modvm.api.boot.BootSourceException;
import io.modvm.diskboot.disk.Region;
import io.modvm.diskboot.fs.FileSystem;
import io.modvm.diskboot.fs.Paths;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ext2, ext3 and ext4 read only: superblock, group descriptors (32 and 64 bytes), inodes, block maps and extent
 * trees, linear and hashed directories, fast and slow symbolic links. The journal is not replayed: a file system
 * that was not cleanly unmounted reads as its last checkpoint, which holds a boot loader's files.
 */
public final class ExtFileSystem implements FileSystem {
    private static final long ROOT = 2;
    /** Directories this large are not a boot partition's. */
    private static final long MAX_DIRECTORY = 16 << 20;

    private final Region region;
    private final ExtSuperblock sb;
    private final String where;

    private ExtFileSystem(Region region, ExtSuperblock sb) {
        this.region = region;
        this.sb = sb;
        this.where = region.name() + " (" + sb.type() + ")";
    }

    /** True if the region carries the ext superblock magic. */
    public static boolean isExt(Region region) throws BootSourceException {
        if (region.length() < ExtSuperblock.OFFSET + 1024) {
            return false;
        }
        return (region.read(ExtSuperblock.OFFSET + 56, 2, "the ext superblock magic").getShort(0) & 0xFFFF)
                == ExtSuperblock.MAGIC;
    }

    public static ExtFileSystem open(Region region) throws BootSourceException {
        return new ExtFileSystem(region, ExtSuperblock.read(region));
    }

    @Override
    public String type() {
        return sb.type();
    }

    @Override
    public String uuid() {
        return sb.uuid();
    }

    @Override
    public String label() {
        return sb.label();
    }

    int blockSize() {
        return sb.blockSize();
    }

    boolean fileTypeInDirectories() {
        return sb.fileType();
    }

    @Override
    public Optional<ByteBuffer> read(String path, long maxBytes, String what) throws BootSourceException {
        Optional<ExtInode> found = resolve(path);
        if (found.isEmpty() || found.get().isDirectory()) {
            return Optional.empty();
        }
        ExtInode file = found.get();
        if (!file.isRegular()) {
            throw new BootSourceException(where + ": " + path + " (" + what + ") is not a regular file");
        }
        Paths.refuseLarger(where, path, what, file.size(), maxBytes);
        return Optional.of(contents(file));
    }

    @Override
    public List<String> list(String path) throws BootSourceException {
        Optional<ExtInode> dir = resolve(path);
        if (dir.isEmpty() || !dir.get().isDirectory()) {
            return List.of();
        }
        List<String> names = new ArrayList<>(directory(dir.get()).keySet());
        names.remove("..");
        return names;
    }

    /** The inode at {@code path}, following symbolic links on the way and at the end. */
    private Optional<ExtInode> resolve(String path) throws BootSourceException {
        Deque<String> parts = Paths.components(path, where);
        Deque<Long> parents = new ArrayDeque<>();
        long current = ROOT;
        int links = 0;
        while (!parts.isEmpty()) {
            String name = parts.poll();
            if (name.equals("..")) {
                current = parents.isEmpty() ? ROOT : parents.pop();
                continue;
            }
            ExtInode dir = inode(current);
            if (!dir.isDirectory()) {
                return Optional.empty();
            }
            Long child = directory(dir).get(name);
            if (child == null) {
                return Optional.empty();
            }
            ExtInode node = inode(child);
            if (node.isSymlink()) {
                if (++links > Paths.MAX_SYMLINKS) {
                    throw new BootSourceException(where + ": more than " + Paths.MAX_SYMLINKS + " symbolic links "
                            + "on the way to " + path + ": a symlink loop; fix the link");
                }
                String target = linkText(node);
                Deque<String> expanded = Paths.components(target, where);
                while (!parts.isEmpty()) {
                    expanded.add(parts.poll());
                }
                parts = expanded;
                if (target.startsWith("/")) {
                    parents.clear();
                    current = ROOT;
                }
                continue;
            }
            parents.push(current);
            current = child;
        }
        return Optional.of(inode(current));
    }

    private String linkText(ExtInode link) throws BootSourceException {
        if (link.size() > Paths.MAX_PATH) {
            throw corrupt(link, "is a symbolic link of " + link.size() + " bytes");
        }
        ByteBuffer text;
        if (link.isFastSymlink()) {
            text = link.block().duplicate().limit((int) link.size());
        } else {
            text = contents(link);
        }
        byte[] b = new byte[text.remaining()];
        text.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private Map<String, Long> directory(ExtInode dir) throws BootSourceException {
        if (dir.size() > MAX_DIRECTORY) {
            throw corrupt(dir, "is a directory of " + dir.size() + " bytes");
        }
        return ExtDirectory.entries(this, dir, contents(dir));
    }

    /** The file's bytes: runs of adjacent disk blocks read at once, holes left as zeroes. */
    private ByteBuffer contents(ExtInode file) throws BootSourceException {
        if (file.size() > Integer.MAX_VALUE - 8) {
            throw corrupt(file, "is " + file.size() + " bytes, too large to read");
        }
        int size = (int) file.size();
        int bs = sb.blockSize();
        int blocks = (int) ((file.size() + bs - 1) / bs);
        long[] map = ExtBlocks.map(this, file, blocks);
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        int i = 0;
        while (i < blocks) {
            if (map[i] == 0) {
                i++;
                continue;
            }
            int run = 1;
            while (i + run < blocks && map[i + run] == map[i] + run) {
                run++;
            }
            int from = i * bs;
            int to = (int) Math.min(size, (long) (i + run) * bs);
            region.readInto(out.duplicate().limit(to).position(from), map[i] * bs, "the data of inode "
                    + file.number());
            i += run;
        }
        return out;
    }

    /** Inode {@code n}, from its group's inode table. */
    ExtInode inode(long n) throws BootSourceException {
        if (n < 1 || n > sb.inodesCount()) {
            throw new BootSourceException(where + ": a directory names inode " + n + ", outside 1-"
                    + sb.inodesCount() + ": the file system is corrupt; check it with e2fsck -n");
        }
        long group = (n - 1) / sb.inodesPerGroup();
        long index = (n - 1) % sb.inodesPerGroup();
        if (group >= sb.groups()) {
            throw new BootSourceException(where + ": inode " + n + " lies in group " + group + " of "
                    + sb.groups() + ": the file system is corrupt; check it with e2fsck -n");
        }
        long gdt = (sb.firstDataBlock() + 1) * sb.blockSize();
        ByteBuffer desc = region.read(gdt + group * sb.descSize(), sb.descSize(), "group descriptor " + group);
        long table = Integer.toUnsignedLong(desc.getInt(8))
                | (sb.descSize() >= 64 ? Integer.toUnsignedLong(desc.getInt(0x28)) << 32 : 0);
        long tableBlocks = (sb.inodesPerGroup() * sb.inodeSize() + sb.blockSize() - 1) / sb.blockSize();
        if (table == 0 || table + tableBlocks > sb.blocksCount()) {
            throw new BootSourceException(where + ": group descriptor " + group + " puts its inode table at block "
                    + table + ", outside the file system: it is corrupt; check it with e2fsck -n");
        }
        ByteBuffer raw = region.read(table * sb.blockSize() + index * sb.inodeSize(), sb.inodeSize(),
                "inode " + n);
        return ExtInode.parse(n, raw);
    }

    /** Refuses {@code count} blocks from {@code start} unless they lie inside the file system. */
    void checkBlock(ExtInode inode, long start, long count) throws BootSourceException {
        if (start <= sb.firstDataBlock() || start + count > sb.blocksCount()
                || start + count < start) {
            throw corrupt(inode, "points at blocks " + start + "+" + count + ", outside the file system's "
                    + sb.blocksCount() + " blocks (a corrupt extent tree or block map)");
        }
    }

    ByteBuffer readBlocks(long start, int count, String what) throws BootSourceException {
        return region.read(start * sb.blockSize(), (long) count * sb.blockSize(), what);
    }

    BootSourceException corrupt(ExtInode inode, String what) {
        return new BootSourceException(where + ": inode " + inode.number() + " " + what + ": the file system is "
                + "corrupt; check it with e2fsck -n");
    }
}

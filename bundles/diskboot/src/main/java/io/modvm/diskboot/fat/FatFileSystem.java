package io.modvm.diskboot.fat;

import io.modvm.api.boot.BootSourceException;
import io.modvm.diskboot.disk.Region;
import io.modvm.diskboot.fs.FileSystem;
import io.modvm.diskboot.fs.Paths;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * FAT12, FAT16 and FAT32 read only, with long file names (an EFI system partition). Names compare without case, as
 * FAT does. A cluster chain longer than the volume's cluster count is a loop and refused.
 */
public final class FatFileSystem implements FileSystem {
    private static final long MAX_DIRECTORY = 4 << 20;

    private final Region region;
    private final FatBootSector bs;
    private final String where;

    private FatFileSystem(Region region, FatBootSector bs) {
        this.region = region;
        this.bs = bs;
        this.where = region.name() + " (vfat)";
    }

    public static boolean isFat(Region region) throws BootSourceException {
        return region.length() >= 512 && FatBootSector.looksLikeFat(region.read(0, 512, "the first sector"));
    }

    public static FatFileSystem open(Region region) throws BootSourceException {
        return new FatFileSystem(region, FatBootSector.read(region));
    }

    @Override
    public String type() {
        return "vfat";
    }

    @Override
    public String uuid() {
        return bs.uuid();
    }

    @Override
    public String label() {
        return bs.label();
    }

    @Override
    public Optional<ByteBuffer> read(String path, long maxBytes, String what) throws BootSourceException {
        Optional<FatEntry> e = resolve(path);
        if (e.isEmpty() || e.get().directory()) {
            return Optional.empty();
        }
        FatEntry f = e.get();
        Paths.refuseLarger(where, path, what, f.size(), maxBytes);
        ByteBuffer chain = chain(f.cluster(), f.size(), path);
        return Optional.of(chain.limit((int) f.size()).slice().order(ByteOrder.LITTLE_ENDIAN));
    }

    @Override
    public List<String> list(String path) throws BootSourceException {
        Optional<FatEntry> e = resolve(path);
        if (e.isEmpty() || !e.get().directory()) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (FatEntry c : entries(e.get(), path)) {
            if (!c.name().equals(".") && !c.name().equals("..")) {
                names.add(c.name());
            }
        }
        return names;
    }

    /** FAT has no links, so a path resolves in as many steps as it has components. */
    private Optional<FatEntry> resolve(String path) throws BootSourceException {
        Deque<String> parts = Paths.components(path, where);
        FatEntry current = FatEntry.ROOT;
        String seen = "";
        while (!parts.isEmpty()) {
            String name = parts.poll();
            if (!current.directory()) {
                return Optional.empty();
            }
            FatEntry next = null;
            for (FatEntry c : entries(current, seen)) {
                if (c.name().equalsIgnoreCase(name)) {
                    next = c;
                    break;
                }
            }
            if (next == null) {
                return Optional.empty();
            }
            current = next;
            seen = seen + "/" + name;
        }
        return Optional.of(current);
    }

    private List<FatEntry> entries(FatEntry dir, String path) throws BootSourceException {
        ByteBuffer data;
        if (dir == FatEntry.ROOT && bs.bits() != 32) {
            data = region.read(bs.rootDirOffset(), bs.rootDirBytes(), "the root directory");
        } else {
            long cluster = dir == FatEntry.ROOT ? bs.rootCluster() : dir.cluster();
            data = chain(cluster, MAX_DIRECTORY, path.isEmpty() ? "/" : path);
        }
        return FatDirectory.parse(data);
    }

    /**
     * The clusters of the chain from {@code first}, at most {@code maxBytes} of them: a directory's whole chain, a
     * file's up to its size.
     */
    private ByteBuffer chain(long first, long maxBytes, String path) throws BootSourceException {
        List<Long> clusters = new ArrayList<>();
        long c = first;
        long limit = (maxBytes + bs.clusterBytes() - 1) / bs.clusterBytes();
        while (c != 0 && !isEnd(c) && clusters.size() < limit) {
            if (c < 2 || c >= bs.clusterCount() + 2) {
                throw corrupt(path, "its cluster chain reaches cluster " + c + ", outside 2-" + (bs.clusterCount() + 1));
            }
            if (clusters.size() > bs.clusterCount()) {
                throw corrupt(path, "its cluster chain loops");
            }
            clusters.add(c);
            c = next(c);
        }
        if (clusters.size() < limit && maxBytes != MAX_DIRECTORY) {
            throw corrupt(path, "its cluster chain ends after " + clusters.size() * bs.clusterBytes()
                    + " bytes, before the file does (" + maxBytes + ")");
        }
        ByteBuffer out = ByteBuffer.allocate((int) (clusters.size() * bs.clusterBytes())).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < clusters.size(); i++) {
            long at = bs.dataOffset() + (clusters.get(i) - 2) * bs.clusterBytes();
            region.readInto(out.duplicate().position((int) (i * bs.clusterBytes()))
                    .limit((int) ((i + 1) * bs.clusterBytes())), at, "cluster " + clusters.get(i) + " of " + path);
        }
        return out;
    }

    private boolean isEnd(long c) {
        return switch (bs.bits()) {
            case 12 -> c >= 0xFF8;
            case 16 -> c >= 0xFFF8;
            default -> c >= 0x0FFFFFF8;
        };
    }

    private long next(long c) throws BootSourceException {
        return switch (bs.bits()) {
            case 12 -> {
                long at = c + c / 2;
                int v = region.read(bs.fatOffset() + at, 2, "the FAT").getShort(0) & 0xFFFF;
                yield (c & 1) == 0 ? v & 0xFFF : v >>> 4;
            }
            case 16 -> region.read(bs.fatOffset() + c * 2, 2, "the FAT").getShort(0) & 0xFFFF;
            default -> region.read(bs.fatOffset() + c * 4, 4, "the FAT").getInt(0) & 0x0FFFFFFFL;
        };
    }

    private BootSourceException corrupt(String path, String what) {
        return new BootSourceException(where + ": " + path + ": " + what + ": the file system is corrupt; check it "
                + "with fsck.vfat -n");
    }
}

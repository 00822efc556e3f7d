package io.modvm.diskboot.source;

import io.modvm.api.boot.BootDisk;
import io.modvm.api.boot.BootEntry;
import io.modvm.api.boot.BootFile;
import io.modvm.api.boot.BootMenu;
import io.modvm.api.boot.BootSource;
import io.modvm.api.boot.BootSourceException;
import io.modvm.diskboot.config.ConfigEntry;
import io.modvm.diskboot.config.ConfigMenu;
import io.modvm.diskboot.config.DeviceSearch;
import io.modvm.diskboot.config.FileRef;
import io.modvm.diskboot.disk.Region;
import io.modvm.diskboot.fs.FileSystem;
import io.modvm.diskboot.fs.FileSystems;
import io.modvm.diskboot.partition.Partition;
import io.modvm.diskboot.partition.PartitionTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * The boot source for the usual Linux disk: MBR or GPT partitions (or a file system on the whole disk), ext2/3/4 and
 * FAT, and GRUB 2, Boot Loader Specification or extlinux configurations. One source for all of them rather than
 * one per configuration family: the partitions and file systems are read once, and which boot loader wins on a disk
 * that has several is decided in one place ({@link ConfigFinder}).
 */
@Component(service = BootSource.class)
public final class DiskBootSource implements BootSource {
    @Override
    public String description() {
        return "grub.cfg, BLS entries and extlinux.conf on MBR/GPT partitions with ext2/3/4 or FAT";
    }

    @Override
    public Optional<BootMenu> read(BootDisk disk) throws BootSourceException {
        try {
            return scan(disk);
        } catch (RuntimeException e) {
            // A check this reader lacks must still end as the image's one line, not a stack trace.
            throw new BootSourceException(disk.name() + ": the image cannot be read as a boot disk ("
                    + e + "); boot it with -kernel, or report the image", e);
        }
    }

    private Optional<BootMenu> scan(BootDisk disk) throws BootSourceException {
        Region whole = Region.whole(disk);
        List<Partition> partitions = PartitionTables.read(whole);
        List<Volume> volumes = new ArrayList<>();
        BootSourceException firstError = null;
        if (partitions.isEmpty()) {
            Optional<FileSystem> fs = FileSystems.probe(whole);
            fs.ifPresent(f -> volumes.add(new Volume(0, "hd0", f)));
        }
        for (Partition p : partitions) {
            try {
                Region r = whole.slice(p.offset(), p.length(), "partition " + p.number());
                Optional<FileSystem> fs = FileSystems.probe(r);
                if (fs.isPresent()) {
                    volumes.add(new Volume(p.number(), "hd0," + p.scheme() + p.number(), fs.get()));
                }
            } catch (BootSourceException e) {
                firstError = firstError == null ? e : firstError;
            }
        }
        DeviceSearch search = (kind, name) -> find(volumes, kind, name);
        for (Volume v : volumes) {
            try {
                Optional<ConfigMenu> menu = ConfigFinder.find(v, search);
                if (menu.isPresent()) {
                    return Optional.of(menu(disk.name(), volumes, v, menu.get()));
                }
            } catch (BootSourceException e) {
                firstError = firstError == null ? e : firstError;
            }
        }
        if (firstError != null) {
            throw firstError;
        }
        return Optional.empty();
    }

    private static BootMenu menu(String diskName, List<Volume> volumes, Volume home, ConfigMenu config) {
        List<BootEntry> entries = new ArrayList<>();
        for (ConfigEntry e : config.entries()) {
            String of = "entry '" + e.title() + "' in " + config.file();
            BootFile kernel = new VolumeFile(diskName, volumes, home, e.kernel(), "the kernel of " + of);
            List<BootFile> initrds = new ArrayList<>();
            for (FileRef i : e.initrds()) {
                initrds.add(new VolumeFile(diskName, volumes, home, i, "an initrd of " + of));
            }
            entries.add(new BootEntry(e.title(), e.id(), home.describe() + " " + config.file(), kernel, initrds,
                    e.cmdline()));
        }
        return new BootMenu(entries, config.defaultIndex());
    }

    private static String find(List<Volume> volumes, String kind, String name) {
        for (Volume v : volumes) {
            boolean match = switch (kind) {
                case "fs-uuid" -> v.fs().uuid().equalsIgnoreCase(name);
                case "label" -> v.fs().label().equals(name);
                default -> hasFile(v, name);
            };
            if (match) {
                return v.device();
            }
        }
        return null;
    }

    private static boolean hasFile(Volume v, String path) {
        int slash = path.lastIndexOf('/');
        try {
            return v.fs().list(slash <= 0 ? "/" : path.substring(0, slash)).contains(path.substring(slash + 1));
        } catch (BootSourceException e) {
            return false;
        }
    }
}

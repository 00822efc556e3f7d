package io.modvm.diskboot.fs;

import io.modvm.api.boot.BootSourceException;
import io.modvm.diskboot.disk.Region;
import io.modvm.diskboot.ext.ExtFileSystem;
import io.modvm.diskboot.fat.FatFileSystem;
import java.util.Optional;

/** Finds which file system a region holds, by its signature. */
public final class FileSystems {
    private FileSystems() {
    }

    /** The file system in {@code region}, or empty if it holds none this bundle reads. */
    public static Optional<FileSystem> probe(Region region) throws BootSourceException {
        if (ExtFileSystem.isExt(region)) {
            return Optional.of(ExtFileSystem.open(region));
        }
        if (FatFileSystem.isFat(region)) {
            return Optional.of(FatFileSystem.open(region));
        }
        return Optional.empty();
    }
}

package io.modvm.diskboot.fs;

import io.modvm.api.boot.BootSourceException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/** A file system read only: files by absolute path, following symbolic links, and the names in a directory. */
public interface FileSystem {
    /** As {@code blkid} names it: {@code ext4}, {@code vfat}. */
    String type();

    /** The file system's UUID as GRUB's {@code search --fs-uuid} spells it, or "" if it has none. */
    String uuid();

    /** The volume label, or "". */
    String label();

    /**
     * The whole file at {@code path}, or empty if no such file exists.
     *
     * @param maxBytes a larger file is refused before it is read
     * @param what names the file for messages: {@code the kernel of entry 'Debian'}
     */
    Optional<ByteBuffer> read(String path, long maxBytes, String what) throws BootSourceException;

    /** The names in the directory at {@code path} (no {@code .} or {@code ..}), or empty if it is no directory. */
    List<String> list(String path) throws BootSourceException;
}

package io.modvm.block.image;

import com.sun.nio.file.ExtendedOpenOption;
import io.modvm.block.CacheMode;
import io.modvm.block.DiskImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * Opens an image file as a {@link DiskImage}: probes the format when none is given (qcow2 magic, else raw, as QEMU
 * does), opens the file with the flags the cache mode asks for, and opens a qcow2 image's backing chain read-only.
 * Every failure is an {@link IOException} whose message is one line naming the file and what to do.
 */
public final class ImageOpener {
    /** How deep backing chains may go; deeper ones are almost certainly loops. */
    private static final int MAX_CHAIN = 16;

    private ImageOpener() {
    }

    /**
     * Opens {@code path}.
     *
     * @param format {@code raw}, {@code qcow2}, or null to probe
     */
    public static DiskImage open(Path path, String format, boolean readOnly, CacheMode cache) throws IOException {
        return open(path, format, readOnly, cache, 0, new HashSet<>());
    }

    /**
     * Opens the host file under an image, as QEMU's {@code file} node does: checked for existence and permissions,
     * with the flags {@code cache} asks for.
     */
    public static HostFile openFile(Path path, boolean readOnly, CacheMode cache) throws IOException {
        checkFile(path, readOnly);
        return openChannel(path, readOnly, cache);
    }

    /**
     * Reads an image of {@code format} ({@code raw}, {@code qcow2}, or null to probe) from {@code file}, which the
     * image closes with itself. A qcow2 image's backing chain opens read-only, unless {@code withBacking} is false
     * (QEMU's {@code backing: null}): then unallocated clusters read as zeroes.
     *
     * @throws IOException the file is not an image of that format; {@code file} stays open then
     */
    public static DiskImage openFormat(HostFile file, String format, boolean readOnly, CacheMode cache,
            boolean withBacking) throws IOException {
        Set<Path> chain = new HashSet<>();
        chain.add(file.path().toAbsolutePath().normalize());
        return openFormat(file, format, readOnly, cache, withBacking, 0, chain);
    }

    private static DiskImage open(Path path, String format, boolean readOnly, CacheMode cache, int depth,
            Set<Path> chain) throws IOException {
        checkFile(path, readOnly);
        if (depth > MAX_CHAIN || !chain.add(path.toAbsolutePath().normalize())) {
            throw new ImageFormatException(path + ": backing chain is longer than " + MAX_CHAIN
                    + " or loops back on itself");
        }
        HostFile file = openChannel(path, readOnly, cache);
        try {
            return openFormat(file, format, readOnly, cache, true, depth, chain);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static DiskImage openFormat(HostFile file, String format, boolean readOnly, CacheMode cache,
            boolean withBacking, int depth, Set<Path> chain) throws IOException {
        String actual = format != null ? format : probe(file);
        switch (actual) {
            case "raw":
                return new RawImage(file, readOnly, cache);
            case "qcow2":
                return openQcow2(file, readOnly, cache, withBacking, depth, chain);
            default:
                throw new ImageFormatException(file.path() + ": unknown image format '" + actual
                        + "'; use raw or qcow2");
        }
    }

    private static DiskImage openQcow2(HostFile file, boolean readOnly, CacheMode cache, boolean withBacking,
            int depth, Set<Path> chain) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(Qcow2Header.READ_BYTES);
        file.read(head, 0);
        Qcow2Header header = Qcow2Header.parse(head, file.path(), file.size());
        DiskImage backing = null;
        if (withBacking && header.backingFile() != null) {
            Path backingPath = resolveBacking(file.path(), header.backingFile());
            // A backing image is only ever read; it takes the page cache whatever the overlay does.
            backing = open(backingPath, header.backingFormat(), true, CacheMode.WRITEBACK, depth + 1, chain);
        }
        try {
            return new Qcow2Image(file, header, readOnly, cache, backing);
        } catch (IOException | RuntimeException e) {
            if (backing != null) {
                backing.close();
            }
            throw e;
        }
    }

    /** A relative backing name is relative to the folder of the image naming it, as in QEMU. */
    static Path resolveBacking(Path image, String name) throws IOException {
        if (name.startsWith("json:") || name.contains("://")) {
            throw new ImageFormatException(image + ": backing file '" + name
                    + "' is not a plain file name; rebase the image with qemu-img rebase");
        }
        Path backing = Path.of(name);
        if (backing.isAbsolute()) {
            return backing;
        }
        Path folder = image.toAbsolutePath().getParent();
        return folder == null ? backing : folder.resolve(backing);
    }

    private static String probe(HostFile file) throws IOException {
        ByteBuffer magic = ByteBuffer.allocate(4);
        file.read(magic, 0);
        return file.size() >= 4 && magic.getInt(0) == Qcow2Header.MAGIC ? "qcow2" : "raw";
    }

    private static void checkFile(Path path, boolean readOnly) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path + ": no such file; create it with qemu-img create -f raw " + path
                    + " SIZE");
        }
        if (!Files.isRegularFile(path)) {
            throw new ImageFormatException(path + " is not a regular file; give the path of a disk image");
        }
        if (!Files.isReadable(path)) {
            throw new AccessDeniedException(path + ": not readable by this user; fix its permissions");
        }
        if (!readOnly && !Files.isWritable(path)) {
            throw new AccessDeniedException(path + " is read-only; use readonly=on or make the file writable");
        }
    }

    private static HostFile openChannel(Path path, boolean readOnly, CacheMode cache) throws IOException {
        Set<OpenOption> options = new HashSet<>();
        options.add(StandardOpenOption.READ);
        if (!readOnly) {
            options.add(StandardOpenOption.WRITE);
            if (!cache.writeback()) {
                options.add(StandardOpenOption.DSYNC);
            }
        }
        if (!cache.direct()) {
            return new BufferedHostFile(path, FileChannel.open(path, options));
        }
        options.add(ExtendedOpenOption.DIRECT);
        try {
            int align = (int) Math.max(512, Files.getFileStore(path).getBlockSize());
            return new DirectHostFile(path, FileChannel.open(path, options), align);
        } catch (IOException | UnsupportedOperationException e) {
            throw new ImageFormatException(path + ": cache=" + cache.optionName() + " needs O_DIRECT, which the"
                    + " file system does not allow here (" + e.getMessage() + "); use cache=writeback");
        }
    }
}

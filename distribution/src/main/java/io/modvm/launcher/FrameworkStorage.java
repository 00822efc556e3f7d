package io.modvm.launcher;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The framework's storage folder, kept between starts so that a start does not redo what the previous one did
 * (installing every bundle into a fresh folder, unpacking JNA's native library) nor delete it all at exit.
 *
 * <p>One folder per assembly under {@code $MODVM_CACHE/framework} (default {@code ~/.cache/modvm/framework}),
 * holding slots {@code slot-0}, {@code slot-1}, ...: a process takes the first slot whose lock it can hold and keeps
 * the lock until it exits, so two modvm processes never share mutable state, and ten at once make ten slots, each
 * once. A slot is reused only if its stamp, written after a start that brought every bundle up, matches this
 * start's bundle set (each jar's path, size and modification time, and the launcher's own jars): a changed, added
 * or removed jar, a start that died half-way (no stamp) or a bundle installed, updated or uninstalled while the
 * slot was in use (which deletes the stamp) makes the next start clean the slot first. Where no cache folder can
 * be written, a temporary folder is used and deleted at exit, as before.
 */
final class FrameworkStorage {
    static final String TEMP_PREFIX = "modvm-felix-";
    private static final String STAMP = "modvm-stamp";
    private static final String ASSEMBLY_FILE = "assembly";
    private static final int MAX_SLOTS = 64;

    private final Path folder;
    private final String stamp;
    private final boolean reusable;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private FrameworkStorage(Path folder, String stamp, boolean reusable, FileChannel lockChannel, FileLock lock) {
        this.folder = folder;
        this.stamp = stamp;
        this.reusable = reusable;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * A slot for the assembly in {@code assembly} with the bundles {@code plan}, locked for this process; or a
     * temporary folder if {@code cacheRoot} cannot be used.
     */
    static FrameworkStorage acquire(Path cacheRoot, Path assembly, List<BundlePlan.Entry> plan, List<Path> launcherJars)
            throws IOException {
        String stamp = stamp(assembly, plan, launcherJars);
        if (cacheRoot != null) {
            try {
                Path perAssembly = cacheRoot.resolve(key(assembly));
                Files.createDirectories(perAssembly);
                Files.writeString(perAssembly.resolve(ASSEMBLY_FILE), assembly.toString());
                forgetVanishedAssemblies(cacheRoot, perAssembly);
                for (int i = 0; i < MAX_SLOTS; i++) {
                    FrameworkStorage slot = tryLock(perAssembly.resolve("slot-" + i), stamp);
                    if (slot != null) {
                        return slot;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // an unwritable or odd cache folder: fall back to a private temporary one
            }
        }
        FrameworkStopper.deleteStaleTemporaryStorage();
        Path temp = Files.createTempDirectory(TEMP_PREFIX + ProcessHandle.current().pid() + "-");
        return new FrameworkStorage(temp, stamp, false, null, null);
    }

    private static FrameworkStorage tryLock(Path slot, String stamp) throws IOException {
        Files.createDirectories(slot);
        FileChannel channel = FileChannel.open(slot.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            return null;
        }
        return new FrameworkStorage(slot.resolve("felix"), stamp, true, channel, lock);
    }

    /** The folder Felix keeps its storage in. */
    Path folder() {
        return folder;
    }

    /** True if Felix must start from an empty folder: a new slot, or one whose bundles or state are not this start's. */
    boolean needsClean() {
        if (!reusable) {
            return true;
        }
        try {
            return !Files.readString(stampFile(), StandardCharsets.UTF_8).equals(stamp);
        } catch (IOException e) {
            return true;
        }
    }

    /** Every bundle came up: the next start with the same bundles may reuse the folder. */
    void markComplete() {
        if (reusable) {
            try {
                Files.writeString(stampFile(), stamp, StandardCharsets.UTF_8);
            } catch (IOException e) {
                // the next start cleans the slot: slower, never wrong
            }
        }
    }

    /** The bundle set changed while running (a monitor's install, update or uninstall): the next start cleans. */
    void markChanged() {
        try {
            Files.deleteIfExists(stampFile());
        } catch (IOException e) {
            // the stamp still matches the jars; a bundle updated from another file is then what the cache holds
        }
    }

    /** True for a temporary folder, which is deleted at exit. */
    boolean temporary() {
        return !reusable;
    }

    /** Lets another process have the slot. */
    void release() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            // the process is leaving: the kernel drops the lock anyway
        }
    }

    private Path stampFile() {
        return folder.resolveSibling(STAMP);
    }

    /** What a reusable folder must have been made from: every bundle jar and the launcher's own jars. */
    static String stamp(Path assembly, List<BundlePlan.Entry> plan, List<Path> launcherJars) throws IOException {
        StringBuilder sb = new StringBuilder("assembly ").append(assembly).append('\n');
        for (BundlePlan.Entry e : plan) {
            sb.append(e.startLevel()).append(' ').append(identity(e.jar())).append('\n');
        }
        for (Path jar : launcherJars) {
            sb.append("launcher ").append(identity(jar)).append('\n');
        }
        return sb.toString();
    }

    private static String identity(Path jar) throws IOException {
        BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
        return jar + " " + a.size() + " " + a.lastModifiedTime().toMillis();
    }

    /** The folder name of an assembly: a digest of its path, so that two installations never share one. */
    private static String key(Path assembly) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(assembly.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Deletes the storage of assemblies whose folder is gone (a test's scratch copy, an old build), unless a
     * process still holds one of its slots.
     */
    private static void forgetVanishedAssemblies(Path cacheRoot, Path keep) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(cacheRoot)) {
            for (Path dir : dirs) {
                if (dir.equals(keep)) {
                    continue;
                }
                Path assemblyFile = dir.resolve(ASSEMBLY_FILE);
                String assembly;
                try {
                    assembly = Files.readString(assemblyFile).strip();
                } catch (IOException e) {
                    continue;
                }
                if (!assembly.isEmpty() && !Files.isDirectory(Path.of(assembly)) && !inUse(dir)) {
                    FrameworkStopper.deleteTree(dir, true);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort only
        }
    }

    private static boolean inUse(Path perAssembly) throws IOException {
        try (DirectoryStream<Path> slots = Files.newDirectoryStream(perAssembly, "slot-*")) {
            for (Path slot : slots) {
                Path lockFile = slot.resolve("lock");
                if (!Files.exists(lockFile)) {
                    continue;
                }
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
                    FileLock lock = channel.tryLock();
                    if (lock == null) {
                        return true;
                    }
                    lock.release();
                } catch (OverlappingFileLockException e) {
                    return true;
                }
            }
        }
        return false;
    }
}

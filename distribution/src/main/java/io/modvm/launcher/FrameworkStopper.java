package io.modvm.launcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;

/**
 * Stops the framework once, with a time limit (a stuck bundle must not keep modvm alive), then deletes a temporary
 * framework storage or lets another process have a kept one ({@link FrameworkStorage}). Runs from the launcher's
 * main thread or from the shutdown hook (SIGTERM, SIGINT).
 */
final class FrameworkStopper {
    static final long STOP_TIMEOUT_MILLIS = 5000;
    private final Framework framework;
    private final FrameworkStorage storage;
    private boolean stopped;
    private volatile boolean stopping;

    FrameworkStopper(Framework framework, FrameworkStorage storage) {
        this.framework = framework;
        this.storage = storage;
    }

    void installShutdownHook() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "modvm-shutdown"));
    }

    /** Runs {@code action} if the framework stops without the launcher asking (e.g. {@code stop 0} in Gogo). */
    void whenStoppedElsewhere(Runnable action) {
        Thread watcher = new Thread(() -> {
            try {
                framework.waitForStop(0);
                if (!stopping) {
                    action.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "modvm-framework-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        stopping = true;
        try {
            framework.stop();
            FrameworkEvent event = framework.waitForStop(STOP_TIMEOUT_MILLIS);
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                System.err.println("modvm: bundles did not stop within " + STOP_TIMEOUT_MILLIS + " ms; leaving anyway");
            }
        } catch (BundleException | RuntimeException e) {
            System.err.println("modvm: stopping the framework: " + Messages.oneLine(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (storage.temporary()) {
            deleteTree(storage.folder());
        }
        storage.release();
    }

    /** Temporary storage left by modvm processes that are gone without cleaning up (killed with SIGKILL). */
    static void deleteStaleTemporaryStorage() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        String prefix = FrameworkStorage.TEMP_PREFIX;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, prefix + "*")) {
            for (Path dir : dirs) {
                String[] parts = dir.getFileName().toString().substring(prefix.length()).split("-", 2);
                try {
                    if (parts.length == 2 && ProcessHandle.of(Long.parseLong(parts[0])).isEmpty()) {
                        // Another modvm starting now may be removing the same leftover: whatever is left
                        // after both is the next start's, and none of it is this run's business.
                        deleteTree(dir, true);
                    }
                } catch (NumberFormatException e) {
                    // not ours
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort only
        }
    }

    static void deleteTree(Path root) {
        deleteTree(root, false);
    }

    /** Deletes {@code root} and what is under it; what vanishes meanwhile is fine; other failures are told unless quiet. */
    static void deleteTree(Path root, boolean quiet) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        throw e;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // gone already
        } catch (IOException e) {
            if (!quiet) {
                System.err.println("modvm: could not delete " + root + ": " + Messages.oneLine(e));
            }
        }
    }
}

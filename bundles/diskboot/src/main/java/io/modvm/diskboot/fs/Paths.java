package io.modvm.diskboot.fs;

import io.modvm.api.boot.BootSourceException;
import java.util.ArrayDeque;
import java.util.Deque;

/** Splits paths and bounds their resolution, the same for every file system. */
public final class Paths {
    /** Linux's limit on symbolic links followed in one lookup (ELOOP). */
    public static final int MAX_SYMLINKS = 40;
    public static final int MAX_PATH = 4096;

    private Paths() {
    }

    /**
     * Refuses a file larger than its caller takes before any of it is read: a 4 GiB "kernel" is a mistake or an
     * attack, and is not loaded to find out.
     */
    public static void refuseLarger(String where, String path, String what, long size, long maxBytes)
            throws BootSourceException {
        if (size > maxBytes) {
            throw new BootSourceException(where + ": " + path + " (" + what + ") is " + size + " bytes, more than "
                    + "the " + maxBytes + " modvm takes for it: name the right file");
        }
    }

    /** The components of {@code path}, without empty ones and {@code .}. */
    public static Deque<String> components(String path, String where) throws BootSourceException {
        if (path.length() > MAX_PATH) {
            throw new BootSourceException(where + ": a path of " + path.length() + " characters is longer than "
                    + MAX_PATH + ": the image is corrupt");
        }
        Deque<String> out = new ArrayDeque<>();
        for (String c : path.split("/")) {
            if (!c.isEmpty() && !c.equals(".")) {
                out.add(c);
            }
        }
        return out;
    }
}

package io.modvm.net.user;

import com.sun.jna.NativeLibrary;
import io.modvm.api.device.DeviceException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What every libslirp stack of this process shares. libslirp keeps some state in globals (its millisecond clock,
 * the host's DNS address cache), so all stacks, not only each one, are driven under one lock and read one clock; the
 * factory owns the one instance, and every stack it opens gets it.
 */
final class SlirpRuntime {
    /** The oldest libslirp whose calls this backend makes: 4.7 brought timer_new_opaque and slirp_handle_timer. */
    static final int[] MINIMUM_VERSION = {4, 7};

    private final ReentrantLock lock = new ReentrantLock();
    private final long startNanos = System.nanoTime();
    private final String library;
    private volatile boolean checked;

    /** @param library the library's name, {@link SlirpLib#LIBRARY} but in the test of a host without it */
    SlirpRuntime(String library) {
        this.library = library;
    }

    /** Held around every call into libslirp. */
    ReentrantLock lock() {
        return lock;
    }

    /** The stacks' clock in ns: from 0 at start, as QEMU's virtual clock, since libslirp keeps ms in 32 bits. */
    long nanos() {
        return System.nanoTime() - startNanos;
    }

    /**
     * Checks once that libslirp can be loaded and is new enough.
     *
     * @throws DeviceException saying what to install
     */
    void requireLibrary() throws DeviceException {
        if (checked) {
            return;
        }
        NativeLibrary lib;
        try {
            lib = NativeLibrary.getInstance(library);
        } catch (UnsatisfiedLinkError e) {
            throw new DeviceException("-netdev user needs libslirp (" + library + "), which this host lacks: "
                    + "apt-get install libslirp0");
        }
        String version;
        try {
            version = lib.getFunction("slirp_version_string").invokeString(new Object[0], false);
        } catch (UnsatisfiedLinkError e) {
            throw new DeviceException(library + " is not libslirp (it has no slirp_version_string); apt-get "
                    + "install libslirp0");
        }
        if (!atLeast(version, MINIMUM_VERSION)) {
            throw new DeviceException("-netdev user needs libslirp " + MINIMUM_VERSION[0] + "." + MINIMUM_VERSION[1]
                    + " or later, and this host has " + version + ": upgrade libslirp0 (apt-get install libslirp0)");
        }
        checked = true;
    }

    /** Whether a version string such as {@code 4.7.0} is at least {@code minimum}; an unreadable one is not. */
    static boolean atLeast(String version, int[] minimum) {
        String[] parts = version == null ? new String[0] : version.strip().split("\\.");
        for (int i = 0; i < minimum.length; i++) {
            int have;
            try {
                have = i < parts.length ? Integer.parseInt(parts[i].replaceAll("[^0-9].*$", "")) : 0;
            } catch (NumberFormatException e) {
                return false;
            }
            if (have != minimum[i]) {
                return have > minimum[i];
            }
        }
        return true;
    }
}

package io.modvm.virtio.device;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each kind of problem once per device at warn (a guest's mistake) or error (a host failure while serving the
 * guest) level, and repeats at debug: a driver can send a bad request at the rate it kicks, and the log must not
 * become its amplifier, while the first report is what a user needs to diagnose it. Kinds are short fixed strings
 * chosen by the caller, such as {@code requestq chain}; guest and host kinds share one set. Every device reports under
 * this class's logger, so one logging category quiets (or shows) them all.
 *
 * <p>Thread-safe: a device's queues and its host-side threads may share one log.
 *
 * @since 1.2
 */
public final class GuestErrorLog {
    private static final Logger LOG = LoggerFactory.getLogger(GuestErrorLog.class);
    private static final String FIRST = "{}: {} ({}): {}; further ones of this kind are logged at debug level";

    private final String device;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    /** @param device how the reports name the device, such as {@code virtio-blk vd0} */
    public GuestErrorLog(String device) {
        this.device = device;
    }

    /** A guest mistake of kind {@code kind}, with {@code detail} for this occurrence. */
    public void report(String kind, String detail) {
        log(false, kind, detail);
    }

    /**
     * The host failed to do what a guest request asked (an image read, a discard the kernel refused, a backend
     * that threw); the request still completes, so that the guest never waits for it.
     */
    public void reportHost(String kind, String detail) {
        log(true, kind, detail);
    }

    private void log(boolean host, String kind, String detail) {
        String what = host ? "host failure" : "guest error";
        if (!seen.add(kind)) {
            LOG.debug("{}: {} ({}): {}", device, what, kind, detail);
        } else if (host) {
            LOG.error(FIRST, device, what, kind, detail);
        } else {
            LOG.warn(FIRST, device, what, kind, detail);
        }
    }

    /** Whether a problem of {@code kind} has been reported (tests and diagnostics). */
    public boolean seen(String kind) {
        return seen.contains(kind);
    }
}

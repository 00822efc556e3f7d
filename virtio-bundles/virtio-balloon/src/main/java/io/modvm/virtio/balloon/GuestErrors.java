package io.modvm.virtio.balloon;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Logs each kind of guest mistake (and of host failure while serving the guest) once per device: a driver can repeat a bad request at the rate it kicks, and the
 * first report is what a user needs to diagnose it. Kinds are short fixed strings chosen by the caller.
 */
final class GuestErrors {
    private final Logger log;
    private final String deviceId;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    GuestErrors(Logger log, String deviceId) {
        this.log = log;
        this.deviceId = deviceId;
    }

    /** Logs {@code detail} at warn if this is the first {@code kind} mistake of the device. */
    void report(String kind, String detail) {
        if (seen.add(kind)) {
            log.warn("{}: guest error ({}): {}; further ones of this kind are not logged", deviceId, kind, detail);
        }
    }

    /**
     * Logs at error, once per {@code kind}, that the host failed to do what a guest request asked (a discard the
     * kernel refused). The request still completes, so the guest never waits for it.
     */
    void reportHost(String kind, String detail) {
        if (seen.add(kind)) {
            log.error("{}: host failure ({}): {}; further ones of this kind are not logged", deviceId, kind, detail);
        }
    }

    /** Whether a mistake of {@code kind} has been seen (tests and diagnostics). */
    boolean seen(String kind) {
        return seen.contains(kind);
    }
}

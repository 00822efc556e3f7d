package io.modvm.virtio.blk;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each kind of guest mistake or host I/O failure once per device at warn level, and repeats at debug: a guest
 * can send a malformed request in a loop, and the log must not become its amplifier.
 */
final class GuestErrorLog {
    private static final Logger LOG = LoggerFactory.getLogger(GuestErrorLog.class);

    private final String device;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    GuestErrorLog(String device) {
        this.device = device;
    }

    /** Reports a problem of kind {@code kind}, with {@code detail} for this occurrence. */
    void report(String kind, String detail) {
        if (seen.add(kind)) {
            LOG.warn("{}: {}: {} (further ones logged at debug)", device, kind, detail);
        } else {
            LOG.debug("{}: {}: {}", device, kind, detail);
        }
    }
}

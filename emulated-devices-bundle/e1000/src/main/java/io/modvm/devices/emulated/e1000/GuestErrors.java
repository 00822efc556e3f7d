package io.modvm.devices.emulated.e1000;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the guest's driver did wrong, and what the host refused, logged once per kind so that a driver repeating a
 * mistake a million times does not flood the log, and counted. The device goes on: a bad descriptor or buffer is
 * dropped or ignored, never thrown out of the device.
 */
final class GuestErrors {
    private static final Logger LOG = LoggerFactory.getLogger(GuestErrors.class);

    private final String device;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private final LongAdder count = new LongAdder();

    GuestErrors(String device) {
        this.device = device;
    }

    /** The guest's mistake of {@code kind}: logged the first time, counted always. */
    void report(String kind, String detail) {
        count.increment();
        if (logged.add(kind)) {
            LOG.warn("{}: {}: {} (further {} errors are not logged)", device, kind, detail, kind);
        }
    }

    /** The host refused something ({@code kind}: send, receive): logged the first time. */
    void reportHost(String kind, String detail) {
        if (logged.add("host " + kind)) {
            LOG.warn("{}: the network backend failed to {}: {} (further failures are not logged)", device, kind,
                    detail);
        }
    }

    long count() {
        return count.sum();
    }
}

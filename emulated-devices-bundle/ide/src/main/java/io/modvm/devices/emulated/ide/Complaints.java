package io.modvm.devices.emulated.ide;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a drive's guest driver got wrong (a sector past the end, a PRD outside RAM) and what the host refused (an
 * image read that failed): the command errors, and each kind is logged the first time only, so that a driver
 * retrying a bad request does not flood the log.
 */
final class Complaints {
    private static final Logger LOG = LoggerFactory.getLogger(Complaints.class);

    private final String device;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    Complaints(String device) {
        this.device = device;
    }

    void report(String kind, String detail) {
        if (logged.add(kind)) {
            LOG.warn("{}: {}: {} (the command failed; further such errors are not logged)", device, kind, detail);
        }
    }
}

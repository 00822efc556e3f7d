package io.modvm.virtio.balloon.monitor;

import io.modvm.api.monitor.MonitorException;
import io.modvm.virtio.balloon.Balloon;
import io.modvm.virtio.balloon.BalloonRegistry;

/** Finds the balloon the commands act on, failing as QEMU does when there is none. */
final class BalloonLookup {
    private BalloonLookup() {
    }

    static Balloon active(BalloonRegistry registry) throws MonitorException {
        return registry.balloon().orElseThrow(() -> new MonitorException(MonitorException.DEVICE_NOT_ACTIVE,
                "No balloon device has been activated"));
    }
}

package io.modvm.virtio.balloon.monitor;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.virtio.balloon.Balloon;
import io.modvm.virtio.balloon.BalloonRegistry;

/** What the balloon's commands share: the registry they find the balloon in, and QEMU's error when there is none. */
abstract class BalloonMonitorCommand implements MonitorCommand {
    private final BalloonRegistry registry;

    BalloonMonitorCommand(BalloonRegistry registry) {
        this.registry = registry;
    }

    /** The plugged balloon, or QEMU's DeviceNotActive error. */
    final Balloon balloon() throws MonitorException {
        return registry.balloon().orElseThrow(() -> new MonitorException(MonitorException.DEVICE_NOT_ACTIVE,
                "No balloon device has been activated"));
    }
}

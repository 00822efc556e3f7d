package io.modvm.virtio.balloon;

import io.modvm.api.device.DeviceException;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * The balloon devices plugged right now, shared by the factory (which adds and removes them) and the monitor
 * commands (which drive them). Like QEMU, a machine has at most one balloon: the commands take no device id.
 */
@Component(service = BalloonRegistry.class)
public final class BalloonRegistry {
    private Balloon current;

    /**
     * Adds a newly plugged balloon.
     *
     * @throws DeviceException if another balloon is plugged
     */
    public synchronized void add(Balloon balloon) throws DeviceException {
        if (current != null) {
            throw new DeviceException(BalloonConfig.TYPE + ": only one balloon device is supported, and '"
                    + current.id() + "' is plugged; remove it first");
        }
        current = balloon;
    }

    /** Forgets {@code balloon} if it is the plugged one. */
    public synchronized void remove(Balloon balloon) {
        if (current == balloon) {
            current = null;
        }
    }

    /** The plugged balloon, if any. */
    public synchronized Optional<Balloon> balloon() {
        return Optional.ofNullable(current);
    }
}

package io.modvm.core.devices;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removing a device with the guest's cooperation, as QEMU's device_del: a PCI device of a guest that runs is asked
 * for through ACPI PCI hotplug and stays until the guest has ejected its slot (or the machine resets); any other
 * device goes at once. The one place this exchange is written, for a device_del and for an abandoned hot-swap.
 */
final class EjectRequests {
    private static final Logger LOG = LoggerFactory.getLogger(EjectRequests.class);

    private final DeviceTable table;
    private final DeviceWiring wiring;
    /** What to run once the guest has ejected a device whose removal was requested, by device id. */
    private final Map<String, Runnable> requested = new ConcurrentHashMap<>();
    private volatile Consumer<String> ejectedByGuest = id -> { };

    EjectRequests(DeviceTable table, DeviceWiring wiring) {
        this.table = table;
        this.wiring = wiring;
    }

    /** Tells {@code listener} the id of a device the guest ejected on its own, after it was unplugged. */
    void onGuestEject(Consumer<String> listener) {
        this.ejectedByGuest = listener;
    }

    /**
     * Removes {@code id} with the guest's cooperation; {@code gone} runs once it is gone, on the thread that saw the
     * eject (or at once, for a device the guest need not be asked about). A second request for the same device
     * while the first waits changes nothing.
     */
    void request(String id, Runnable gone) {
        if (wiring.guestStarted() && table.onPci(id)) {
            if (requested.putIfAbsent(id, gone) != null) {
                return;
            }
            try {
                wiring.pci().requestUnplug(id);
                return;
            } catch (IllegalStateException e) {
                requested.remove(id);
                LOG.warn("device {}: the guest could not be asked to eject it ({}); unplugged at once", id,
                        e.getMessage());
            }
        }
        if (unplugNow(id)) {
            gone.run();
        }
    }

    /**
     * Unplugs {@code id} at once, without asking the guest; a removal that was waiting for the guest's eject is
     * complete with it. Returns false if no device has that id.
     */
    boolean unplugNow(String id) {
        if (!table.unplug(id)) {
            return false;
        }
        Runnable gone = requested.remove(id);
        if (gone != null) {
            gone.run();
        }
        return true;
    }

    /** The guest ejected {@code owner}'s slot: asked to, on its own, or because a reset completed a request. */
    void ejected(String owner) {
        boolean asked = requested.containsKey(owner);
        if (unplugNow(owner) && !asked) {
            ejectedByGuest.accept(owner);
        }
    }
}

package io.modvm.core.devices;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.PowerButton;
import io.modvm.api.machine.Machine;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices of one machine, as the device manager plugs and unplugs them and as the machine resets and closes
 * them: the {@link DeviceTable}, the guest's part in removals ({@link EjectRequests}) and hot-swap
 * ({@link HotSwap}). A plug is announced to a running guest through ACPI PCI hotplug.
 */
public final class MachineDevices implements DeviceHost {
    private static final Logger LOG = LoggerFactory.getLogger(MachineDevices.class);

    private final DeviceWiring wiring;
    private final DeviceTable table;
    private final EjectRequests ejects;
    private final HotSwap swap;

    /**
     * @param machine paused while a device is parked for a hot-swap
     * @param swapTimeoutMillis how long a parked device waits for a new factory of its type
     */
    public MachineDevices(DeviceWiring wiring, Machine machine, long swapTimeoutMillis) {
        this.wiring = wiring;
        this.table = new DeviceTable(wiring);
        this.ejects = new EjectRequests(table, wiring);
        this.swap = new HotSwap(table, ejects, machine, swapTimeoutMillis);
        wiring.pci().hotplug().onEject((slot, owner) -> ejects.ejected(owner));
    }

    /** Tells {@code listener} the id of a device the guest ejected on its own (no removal asked for it). */
    public void onGuestEject(Consumer<String> listener) {
        ejects.onGuestEject(listener);
    }

    @Override
    public void plug(String id, DeviceFactory factory, Map<String, String> properties) throws DeviceException {
        table.create(id, factory, properties);
        LOG.info("device {} ({}) plugged", id, factory.type());
        if (wiring.guestStarted() && table.onPci(id)) {
            try {
                wiring.pci().announcePlugged(id);
            } catch (IllegalStateException e) {
                LOG.warn("device {}: the guest could not be told of it: {}", id, e.getMessage());
            }
        }
    }

    @Override
    public boolean unplug(String id, Runnable gone) {
        if (!table.contains(id)) {
            return false;
        }
        ejects.request(id, gone);
        return true;
    }

    @Override
    public boolean unplugNow(String id, Runnable gone) {
        swap.forget(id);
        if (!ejects.unplugNow(id)) {
            return false;
        }
        gone.run();
        return true;
    }

    @Override
    public boolean park(String id, Runnable timedOut) {
        return swap.park(id, timedOut);
    }

    @Override
    public void restore(String id, DeviceFactory factory, Map<String, String> properties) throws DeviceException {
        swap.restore(id, factory, properties);
    }

    @Override
    public boolean discardParked(String id, Runnable gone) {
        return swap.discard(id, gone);
    }

    /** The ids of the plugged devices, in plug order. */
    public List<String> ids() {
        return table.ids();
    }

    /** The first device with a power button, or null. */
    public PowerButton powerButton() {
        return table.powerButton();
    }

    /**
     * Every device back to power-on state while the VM and its RAM still exist, so that no device thread touches
     * guest memory or the VM's interrupt wiring after they are gone.
     */
    public void resetAll() {
        table.resetAll();
    }

    /** The machine has ended: every device is closed, and nothing is plugged after. */
    public void closeAll() {
        swap.close();
        table.closeAll();
    }
}

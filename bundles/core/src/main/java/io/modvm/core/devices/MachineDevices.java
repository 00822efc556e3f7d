package io.modvm.core.devices;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.PowerButton;
import io.modvm.api.machine.Machine;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.util.LinkedHashMap;
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
    private final DeviceStates states;

    /**
     * @param machine paused while a device is parked for a hot-swap
     * @param swapTimeoutMillis how long a parked device waits for a new factory of its type
     */
    public MachineDevices(DeviceWiring wiring, Machine machine, long swapTimeoutMillis) {
        this.wiring = wiring;
        this.table = new DeviceTable(wiring);
        this.ejects = new EjectRequests(table, wiring);
        this.swap = new HotSwap(table, ejects, machine, swapTimeoutMillis);
        this.states = new DeviceStates(table);
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
    public boolean restore(String id, DeviceFactory factory, Map<String, String> properties) throws DeviceException {
        return swap.restore(id, factory, properties);
    }

    @Override
    public boolean discardParked(String id, Runnable gone) {
        return swap.discard(id, gone);
    }

    /**
     * Snapshot and migration, with the vCPUs paused: quiesces every device and returns its state by device id, in
     * plug order. Each value is a {@code device} v1 record: {@code id}, {@code type} (the device type) and
     * {@code state} (the device's own record). The devices stay quiesced until {@link #resumeAll} or
     * {@link #restoreAll}.
     *
     * @throws DeviceException "State blocked by non-migratable device 'ID' (TYPE)" if a device has no state (nothing
     *     is quiesced then), a device in the middle of a hot-swap, or a device that failed to save
     */
    public Map<String, StateRecord> saveAll() throws DeviceException {
        return states.saveAll();
    }

    /**
     * {@link #saveAll} as one {@code devices} v1 record ({@code devices}: the {@code device} v1 records in plug
     * order), for a caller that speaks {@link StateException}.
     *
     * @throws StateException with {@link #saveAll}'s message
     */
    public StateRecord saveState() throws StateException {
        try {
            return DeviceStates.toList(saveAll());
        } catch (DeviceException e) {
            throw stateException(e);
        }
    }

    /**
     * {@link #restoreAll} from a {@link #saveState} record.
     *
     * @throws StateException with {@link #restoreAll}'s message, or for a record that is not a readable
     *     {@code devices} v1 record
     */
    public void restoreState(StateRecord saved) throws StateException {
        try {
            restoreAll(DeviceStates.fromList(saved));
        } catch (DeviceException e) {
            throw stateException(e);
        }
    }

    private static StateException stateException(DeviceException e) {
        StateException s = new StateException(e.getMessage());
        s.initCause(e);
        return s;
    }

    /** The devices {@link #saveAll} quiesced serve the guest again: the save is done, or abandoned. */
    public void resumeAll() {
        states.resumeAll();
    }

    /**
     * Loads {@code saved} (what {@link #saveAll} returned, on this machine or another built from the same devices)
     * into the devices plugged now, with the vCPUs paused, through the hot-swap path: each device is quiesced and
     * parked, and its factory builds the new instance from the saved state in the same slot, BARs and ports. The
     * restored devices serve the guest as soon as the vCPUs run.
     *
     * @throws DeviceException naming the device: a state for an id this machine does not have, a device without a
     *     state, a state of another device type or a newer version (all refused before anything changes), or a
     *     state the device's factory refused (the devices then keep the state they had)
     */
    public void restoreAll(Map<String, StateRecord> saved) throws DeviceException {
        states.restoreAll(saved);
    }

    /**
     * Each plugged device's type and the properties it was created with, by id in plug order: what a migration's
     * destination must have too.
     */
    public Map<String, DeviceConfiguration> configurations() {
        Map<String, DeviceConfiguration> out = new LinkedHashMap<>();
        table.origins().forEach((id, o) -> out.put(id, new DeviceConfiguration(o.factory().type(), o.properties())));
        return out;
    }

    /**
     * Every plugged device with what built it and where it sits, in plug order; a device parked for a hot-swap is
     * among them, with the factory that built it and its PCI slot (its ports are released until a new instance).
     */
    public List<PluggedDevice> describe() {
        return table.originsAndParked().entrySet().stream().map(e -> new PluggedDevice(e.getKey(),
                e.getValue().getKey().factory().type(), e.getValue().getKey().factory(), e.getValue().getValue(),
                wiring.pci().slotsOf(e.getKey()), wiring.pio().rangesOf(e.getKey()),
                wiring.mmio().rangesOf(e.getKey()))).toList();
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

package io.modvm.core.devices;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.DeviceProperties;
import io.modvm.api.device.PowerButton;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import io.modvm.api.state.StateRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices plugged into one machine, by id in plug order, and what each holds on the buses: its ports and MMIO
 * ranges (claimed under its id) and its PCI functions, whose handlers can change hands for a hot-swap
 * ({@link PciBinding}). vCPUs may run meanwhile: the buses are copy-on-write, and a PCI slot becomes visible to the
 * guest once it is filled.
 */
final class DeviceTable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceTable.class);

    private final DeviceWiring wiring;
    /** The live instances; guarded by itself (create, unplug, park, restore, reset and close take it). */
    private final Map<String, Device> devices = new LinkedHashMap<>();
    /** Set under the devices lock once the machine ends: nothing may be plugged after that. */
    private boolean ended;
    /** Each device's PCI functions, in the order it plugged them; a parked device keeps its entry here. */
    private final Map<String, List<PciBinding>> pciBindings = new ConcurrentHashMap<>();
    /** Devices parked for a hot-swap, whatever bus they sit on; guarded by the devices lock. */
    private final Set<String> parkedIds = new HashSet<>();
    /** The ids of plugged and parked devices in plug order, which a swap does not change; guarded by the lock. */
    private final List<String> order = new ArrayList<>();
    /** What built each plugged or parked device, so that an in-place restore builds it the same way. */
    private final Map<String, Origin> origins = new HashMap<>();

    /** The factory that built a device and the properties it was given. */
    record Origin(DeviceFactory factory, Map<String, String> properties) {
    }

    /** A plugged device and what built it. */
    record Plugged(Device device, Origin origin) {
    }

    DeviceTable(DeviceWiring wiring) {
        this.wiring = wiring;
    }

    /**
     * Builds a device through {@code factory} and records it; on failure whatever it claimed is released. The
     * properties are checked against the factory's declarations first.
     *
     * @throws DeviceException a property the type does not declare or a value it does not take, the factory's message, a duplicate id, a machine that has ended, or a factory that
     *     threw (logged with its stack)
     */
    void create(String id, DeviceFactory factory, Map<String, String> properties) throws DeviceException {
        synchronized (devices) {
            if (ended) {
                throw DeviceIds.machineEnded(id);
            }
            if (devices.containsKey(id) || pciBindings.containsKey(id) || parkedIds.contains(id)) {
                throw DeviceIds.duplicate(id);
            }
            try {
                DeviceProperties checked = DeviceProperties.parse(factory.type(), factory.properties(), properties);
                devices.put(id, factory.create(new MachineDeviceContext(wiring, this, id, factory.type()), checked));
                origins.put(id, new Origin(factory, Map.copyOf(properties)));
                order.add(id);
            } catch (DeviceException e) {
                release(id);
                wiring.backends().release(id, true);
                throw e;
            } catch (RuntimeException | LinkageError e) {
                release(id);
                wiring.backends().release(id, true);
                LOG.warn("device {} ({}) failed to start", id, factory.type(), e);
                throw DeviceIds.failedToStart(e);
            }
        }
    }

    /**
     * Unplugs a device at once, without asking the guest: takes its PCI functions, ports and MMIO ranges off the
     * buses (so that no guest access reaches it any more), then closes it. A parked device (no instance) goes the
     * same way. Returns false if no device has that id.
     */
    boolean unplug(String id) {
        synchronized (devices) {
            Device d = devices.remove(id);
            if (d == null && !pciBindings.containsKey(id) && !parkedIds.contains(id)) {
                return false;
            }
            release(id);
            if (d != null) {
                close(id, d);
            }
            wiring.backends().release(id, true);
        }
        LOG.info("device {} unplugged", id);
        return true;
    }

    /** True if {@code id} is plugged, or parked for a hot-swap. */
    boolean contains(String id) {
        synchronized (devices) {
            return devices.containsKey(id) || pciBindings.containsKey(id) || parkedIds.contains(id);
        }
    }

    /** True if {@code id} is parked: its PCI functions, if it has any, and its state wait for a new instance. */
    boolean parked(String id) {
        synchronized (devices) {
            return parkedIds.contains(id);
        }
    }

    /** The type of plugged or parked device {@code id}, or null. */
    String type(String id) {
        synchronized (devices) {
            Origin o = origins.get(id);
            return o == null ? null : o.factory().type();
        }
    }

    /** True if {@code id} has a function on the PCI bus. */
    boolean onPci(String id) {
        return !wiring.pci().slotsOf(id).isEmpty();
    }

    /**
     * A device plugs its {@code index}-th PCI function. During a hot-swap the new instance gets the function its
     * predecessor parked, if it describes the same function; otherwise the function is plugged in a free slot.
     */
    PciFunction plugPci(String id, PciFunctionSpec spec, int index) throws DeviceException {
        List<PciBinding> mine = pciBindings.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>());
        if (index < mine.size() && mine.get(index).parked()) {
            return mine.get(index).takeOver(id, spec);
        }
        PciBinding b = new PciBinding(spec);
        PciFunction f = wiring.pci().plug(id, b.busSpec());
        b.plugged(f);
        mine.add(b);
        return f;
    }

    /**
     * True if {@code id} can be carried across a hot-swap with its state: a {@link StatefulDevice}, on any bus. A PCI device keeps
     * its functions parked; an ISA or platform device gives its ports and MMIO ranges back and its successor claims
     * them again.
     */
    boolean swappable(String id) {
        synchronized (devices) {
            return devices.get(id) instanceof StatefulDevice;
        }
    }

    /**
     * Hot-swap, first half, with the vCPUs paused: quiesces the device and takes its state while its classes still
     * exist, parks its PCI functions (slot, BARs, MSI-X stay as the guest knows them; accesses read 0 meanwhile),
     * takes its ports and MMIO ranges off the buses and closes the old instance. Returns null, having changed
     * nothing, if it is not {@link #swappable} or failed to save its state (then it serves the guest again).
     */
    StateRecord park(String id) {
        synchronized (devices) {
            if (!swappable(id)) {
                return null;
            }
            StatefulDevice d = (StatefulDevice) devices.get(id);
            StateRecord state;
            try {
                d.quiesce();
                state = d.saveState();
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("device {}: its state could not be saved", id, e);
                try {
                    d.resume();
                } catch (RuntimeException | LinkageError ex) {
                    LOG.debug("device {} did not resume", id, ex);
                }
                return null;
            }
            parkInstance(id, d);
            return state;
        }
    }

    /**
     * Hot-swap, first half, for a device that cannot hand its state over (not a {@link StatefulDevice}, or one
     * whose state could not be saved): parks its PCI functions and closes it as {@link #park} does, without a
     * state; its successor is built with {@link DeviceFactory#create}. Returns false if no device has that id.
     *
     * @param why what keeps the state from being handed over, for the warning that names the device
     */
    boolean parkWithoutState(String id, String why) {
        synchronized (devices) {
            Device d = devices.get(id);
            if (d == null) {
                return false;
            }
            Origin origin = origins.get(id);
            LOG.warn("device {} ({}) cannot hand its state over ({}): the new instance is built with create() and "
                    + "starts from power-on state", id, origin == null ? "?" : origin.factory().type(), why);
            parkInstance(id, d);
            return true;
        }
    }

    /** Parks the functions of {@code d}, takes it off the buses and closes it; the lock is held. */
    private void parkInstance(String id, Device d) {
        pciBindings.getOrDefault(id, List.of()).forEach(PciBinding::park);
        devices.remove(id);
        parkedIds.add(id);
        releaseBuses(id);
        try {
            d.close();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("device {} failed to close when it was parked", id, e);
        }
        wiring.backends().release(id, false);
        LOG.info("device {} parked for a hot-swap", id);
    }

    /**
     * Hot-swap, second half: {@code factory} builds the device that takes over {@code state} and gets the parked
     * PCI functions back (a device on no PCI function claims its ports again); with a null {@code state} it is
     * built with {@link DeviceFactory#create}. On failure the device stays parked.
     *
     * @throws DeviceException the factory's reason, or a new device that does not take its PCI function back
     */
    void restore(String id, DeviceFactory factory, Map<String, String> properties, StateRecord state)
            throws DeviceException {
        synchronized (devices) {
            if (ended) {
                throw DeviceIds.machineEnded(id);
            }
            Device d;
            try {
                MachineDeviceContext context = new MachineDeviceContext(wiring, this, id, factory.type());
                DeviceProperties checked = DeviceProperties.parse(factory.type(), factory.properties(), properties);
                d = state == null ? factory.create(context, checked) : factory.restore(context, checked, state);
            } catch (DeviceException | RuntimeException | LinkageError e) {
                repark(id);
                throw e instanceof DeviceException de ? de
                        : new DeviceException(id + ": the new device failed to take over: " + e, e);
            }
            if (pciBindings.getOrDefault(id, List.of()).stream().anyMatch(PciBinding::parked)) {
                try {
                    d.close();
                } finally {
                    repark(id);
                }
                throw new DeviceException(id + ": the new device did not take its PCI function back");
            }
            devices.put(id, d);
            parkedIds.remove(id);
            origins.put(id, new Origin(factory, Map.copyOf(properties)));
        }
    }

    /**
     * A take-over failed: what the new instance claimed directly is released, and every function of the device is
     * parked again (one it took back must not serve a half-built device).
     */
    private void repark(String id) {
        pciBindings.getOrDefault(id, List.of()).forEach(PciBinding::park);
        releaseBuses(id);
        wiring.backends().release(id, false);
    }

    /**
     * Takes what one instance of a device holds off the buses, keeping its PCI functions for the next instance:
     * its ports and MMIO ranges, and with them any fence it earned there or in configuration space. The backends
     * it took are let go of separately, once it is closed, and wait for the next instance.
     */
    private void releaseBuses(String id) {
        wiring.pio().releaseAll(id);
        wiring.mmio().releaseAll(id);
        wiring.pci().liftFences(id);
    }

    /** Takes a device off the buses for good; its backends are let go of once it is closed. */
    private void release(String id) {
        wiring.pci().unplug(id);
        pciBindings.remove(id);
        parkedIds.remove(id);
        origins.remove(id);
        order.remove(id);
        wiring.pio().releaseAll(id);
        wiring.mmio().releaseAll(id);
    }

    /**
     * The plugged devices with what built them, in plug order, for a machine-wide save or restore.
     *
     * @throws DeviceException if a device is parked for a hot-swap: its state is with the swap until a new
     *     instance takes it
     */
    Map<String, Plugged> plugged() throws DeviceException {
        synchronized (devices) {
            if (!parkedIds.isEmpty()) {
                throw new DeviceException("device " + parkedIds.iterator().next() + " is being handed to a new "
                        + "instance of its bundle; try again once that is done");
            }
            Map<String, Plugged> out = new LinkedHashMap<>();
            for (String id : order) {
                out.put(id, new Plugged(devices.get(id), origins.get(id)));
            }
            return out;
        }
    }

    /** Work on every device at once, which no plug, unplug or swap may interleave with. */
    @FunctionalInterface
    interface Exclusive<T> {
        T run() throws DeviceException;
    }

    /**
     * Runs {@code work} holding the lock that plugs, unplugs, parks and restores take, so that the devices stay as
     * they are meanwhile (a machine-wide save: a factory that leaves waits until every state is taken).
     */
    <T> T exclusive(Exclusive<T> work) throws DeviceException {
        synchronized (devices) {
            return work.run();
        }
    }

    /** What built each plugged device (not a parked one), by id in plug order. */
    Map<String, Origin> origins() {
        synchronized (devices) {
            Map<String, Origin> out = new LinkedHashMap<>();
            for (String id : order) {
                if (devices.containsKey(id)) {
                    out.put(id, origins.get(id));
                }
            }
            return out;
        }
    }

    /** What built each plugged or parked device, by id in plug order, and whether it is parked. */
    Map<String, Map.Entry<Origin, Boolean>> originsAndParked() {
        synchronized (devices) {
            Map<String, Map.Entry<Origin, Boolean>> out = new LinkedHashMap<>();
            for (String id : order) {
                out.put(id, Map.entry(origins.get(id), parkedIds.contains(id)));
            }
            return out;
        }
    }

    /** The ids of the plugged devices, in plug order. */
    List<String> ids() {
        synchronized (devices) {
            return order.stream().filter(devices::containsKey).toList();
        }
    }

    /** The first device with a power button, or null. */
    PowerButton powerButton() {
        synchronized (devices) {
            for (Device d : devices.values()) {
                if (d instanceof PowerButton button) {
                    return button;
                }
            }
            return null;
        }
    }

    /** Every device back to power-on state (a machine reset), while the VM and its RAM still exist. */
    void resetAll() {
        synchronized (devices) {
            for (Map.Entry<String, Device> d : devices.entrySet()) {
                try {
                    d.getValue().reset();
                } catch (RuntimeException ex) {
                    LOG.warn("device {} failed to reset", d.getKey(), ex);
                }
            }
        }
    }

    /** The machine has ended: every device is closed and taken off the PCI bus; nothing may be plugged after. */
    void closeAll() {
        synchronized (devices) {
            ended = true;
            for (Map.Entry<String, Device> d : devices.entrySet()) {
                close(d.getKey(), d.getValue());
                wiring.pci().unplug(d.getKey());
                wiring.backends().release(d.getKey(), true);
            }
            devices.clear();
            for (String id : parkedIds) {
                wiring.pci().unplug(id);
                wiring.backends().release(id, true);
            }
            parkedIds.clear();
            origins.clear();
            order.clear();
        }
    }

    private static void close(String id, Device d) {
        try {
            d.close();
        } catch (RuntimeException e) {
            LOG.warn("device {} failed to close", id, e);
        }
    }
}

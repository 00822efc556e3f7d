package io.modvm.core.devices;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.monitor.MonitorEvents;
import io.modvm.api.monitor.QmpEvents;
import io.modvm.core.config.ConfigValues;
import io.modvm.core.config.ConfigurationStore;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns device configurations plus device factories into plugged devices: the one plug path. A device is a
 * configuration with factory PID {@value #FACTORY_PID}: {@code type}, {@code id} and the device's own properties.
 * The command line, QMP/HMP {@code device_add} and a {@code .cfg} file all end as such a configuration; the device is
 * plugged while its configuration, its factory and the machine all exist, and unplugged when any of them goes. A
 * configuration whose type no bundle provides waits, and is plugged the moment a factory of that type arrives; a
 * factory that leaves hands its devices to the machine's hot-swap ({@link DeviceHost#park}).
 *
 * <p>{@link #add} and {@link #remove} act at once, so that the monitor can answer with the factory's error, and
 * then record or delete the configuration; when Config Admin hands that configuration back, it is recognised as
 * the device already plugged. The machine is attached before its vCPUs first run, with the command line's devices,
 * which the manager plugs first and records as configurations once Config Admin's are loaded
 * ({@link #recordConfigurations}).
 *
 * <p>Thread-safe: configuration updates come on Config Admin's thread, factories on the thread that registers or
 * unregisters them, monitor commands on the monitor's. Calls into the store are made without the lock.
 */
public final class DeviceManager {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceManager.class);
    /** The factory PID of device configurations. */
    public static final String FACTORY_PID = "io.modvm.device";
    public static final String TYPE = "type";
    public static final String ID = "id";

    /** A device the manager knows: a configuration, or a device plugged before its configuration exists. */
    private static final class Entry {
        final String id;
        final String type;
        final Map<String, String> properties;
        /** The configuration's PID; null until the store holds it. */
        String pid;
        /** The factory that built the plugged device; null while the device waits. */
        DeviceFactory factory;
        /** Whether a factory of its type was ever found: a type never seen may be a typo, worth a warning. */
        boolean typeSeen;
        /** Parked for a hot-swap: the machine keeps its state until a new factory of its type takes it over. */
        boolean parked;
        /** The factory that built the parked device, for the versions the swap event reports. */
        DeviceFactory leftFactory;

        Entry(String id, String type, Map<String, String> properties) {
            this.id = id;
            this.type = type;
            this.properties = Map.copyOf(properties);
        }

        boolean describes(Configured c) {
            return id.equals(c.id()) && type.equals(c.type()) && properties.equals(c.properties());
        }
    }

    /** A configuration read from the store. */
    record Configured(String pid, String type, String id, Map<String, String> properties) {
    }

    /** {@code device_del} of an id no device has. */
    public static final class NotFoundException extends DeviceException {
        private static final long serialVersionUID = 1L;

        NotFoundException(String id) {
            super("Device '" + id + "' not found");
        }
    }

    private final DeviceCatalog catalog;
    private final ConfigurationStore store;
    private final MonitorEvents events;
    private final Map<String, Entry> byId = new LinkedHashMap<>();
    private final Map<String, String> idByPid = new HashMap<>();
    /** Configurations whose id another device holds, by PID: each waits for its id to be free. */
    private final Map<String, Configured> blocked = new LinkedHashMap<>();
    /** Devices being removed, by id, with the factory that built them: the guest has not ejected them yet. */
    private final Map<String, DeviceFactory> unplugging = new HashMap<>();
    private DeviceHost host;

    public DeviceManager(DeviceCatalog catalog, ConfigurationStore store, MonitorEvents events) {
        this.catalog = catalog;
        this.store = store;
        this.events = events;
    }

    /**
     * The machine is ready, before its vCPUs first run: the command line's devices are plugged in order, through
     * the same path as {@link #add}, so that slots follow the command line; then every configuration that waits
     * for a machine is plugged, in arrival order.
     *
     * @throws DeviceException the first command-line device that could not be plugged, as {@code ORIGIN: reason}
     *     (the option that asked for it: {@code -device TYPE}, {@code -drive ...}); the machine must not start
     */
    public synchronized void attach(DeviceHost machine, List<DeviceSpec> commandLine) throws DeviceException {
        host = machine;
        for (DeviceSpec d : commandLine) {
            Entry earlier = d.id() == null ? null : byId.remove(d.id());
            if (earlier != null && earlier.pid != null) {
                // A configuration arrived first with an id the command line gives too: the command line wins.
                idByPid.remove(earlier.pid);
                blocked.put(earlier.pid, new Configured(earlier.pid, earlier.type, earlier.id, earlier.properties));
            }
            try {
                plugNew(d.type(), d.id(), d.properties());
            } catch (DeviceException e) {
                throw new DeviceException(d.origin() + ": " + e.getMessage(), e);
            }
        }
        for (Entry e : List.copyOf(byId.values())) {
            if (e.factory == null) {
                tryPlug(e);
            }
        }
    }

    /** The machine has ended (it closed its devices): configurations stay, and wait for no machine. */
    public synchronized void detach() {
        host = null;
        for (Entry e : byId.values()) {
            e.factory = null;
            e.parked = false;
        }
        unplugging.clear();
    }

    /** Reads the configurations the store holds now, as if each had just arrived. */
    public void loadExisting() {
        Map<String, Map<String, Object>> existing;
        try {
            existing = store.existing();
        } catch (IOException | RuntimeException e) {
            LOG.warn("device configurations could not be listed: {}", e.toString());
            return;
        }
        existing.forEach(this::configurationUpdated);
    }

    /** Creates a configuration for each device that has none yet (those of the command line). */
    public void recordConfigurations() {
        List<Entry> without;
        synchronized (this) {
            without = byId.values().stream().filter(e -> e.pid == null).toList();
        }
        without.forEach(this::record);
    }

    /**
     * QMP/HMP {@code device_add}: plugs a device now, then records its configuration. {@code id} may be null, for
     * an id the manager chooses ({@code type.N}). Returns the id.
     *
     * @throws DeviceException an unknown type (the message lists the known ones), a duplicate id, a bad id, the
     *     factory's message (a backend it names that does not exist or is in use, in QEMU's words), or no running
     *     machine
     */
    public String add(String type, String id, Map<String, String> properties) throws DeviceException {
        Entry e;
        synchronized (this) {
            e = plugNew(type, id, properties);
        }
        record(e);
        return e.id;
    }

    /**
     * The one way a new device is plugged, for the command line and {@code device_add}: checks the type and the id
     * (or chooses one), plugs it and records its entry.
     */
    private Entry plugNew(String type, String id, Map<String, String> properties) throws DeviceException {
        if (host == null) {
            throw DeviceIds.noMachine();
        }
        DeviceFactory factory = catalog.require(type);
        if (id == null) {
            id = DeviceIds.free(type, byId::containsKey);
        } else {
            DeviceIds.checkIdentifier(id);
        }
        if (byId.containsKey(id)) {
            throw DeviceIds.duplicate(id);
        }
        host.plug(id, factory, properties);
        Entry e = new Entry(id, type, properties);
        e.factory = factory;
        e.typeSeen = true;
        byId.put(id, e);
        return e;
    }

    /**
     * QMP/HMP {@code device_del}: unplugs device {@code id} (DEVICE_DELETED follows once it is gone) and deletes its
     * configuration, which removes the {@code .cfg} file it came from.
     *
     * @throws NotFoundException if no device has that id
     * @throws DeviceException if the device is already being removed
     */
    public void remove(String id) throws DeviceException {
        String pid;
        synchronized (this) {
            Entry e = byId.get(id);
            if (e == null) {
                if (unplugging.containsKey(id)) {
                    throw new DeviceException("Device " + id + " is already in the process of unplug");
                }
                throw new NotFoundException(id);
            }
            pid = e.pid;
            drop(e, true);
        }
        if (pid != null) {
            delete(pid);
        }
    }

    /** A configuration was created or changed (Config Admin, or {@link #loadExisting}). */
    public void configurationUpdated(String pid, Map<String, ?> raw) {
        Configured c;
        try {
            c = parse(pid, raw);
        } catch (IllegalArgumentException ex) {
            LOG.warn("device configuration {} ignored: {} (it holds {})", pid, ex.getMessage(), raw.keySet());
            configurationDeleted(pid);
            return;
        }
        synchronized (this) {
            String known = idByPid.get(pid);
            if (known != null) {
                Entry e = byId.get(known);
                if (e.describes(c)) {
                    return; // unchanged, or the configuration this manager created coming back
                }
                drop(e, false);
            }
            blocked.remove(pid);
            Entry holder = byId.get(c.id());
            if (holder != null) {
                if (holder.pid == null && holder.describes(c)) {
                    holder.pid = pid; // the configuration recorded for a device already plugged
                    idByPid.put(pid, holder.id);
                    return;
                }
                blocked.put(pid, c);
                LOG.warn("device configuration {}: Duplicate device ID '{}'; it waits until that id is free", pid,
                        c.id());
                return;
            }
            Entry e = new Entry(c.id(), c.type(), c.properties());
            e.pid = pid;
            byId.put(e.id, e);
            idByPid.put(pid, e.id);
            tryPlug(e);
        }
    }

    /** A configuration was deleted: its device is unplugged. */
    public synchronized void configurationDeleted(String pid) {
        blocked.remove(pid);
        String id = idByPid.get(pid);
        if (id != null) {
            drop(byId.get(id), false);
        }
    }

    /** A factory arrived: the devices of its type that wait are plugged. */
    public synchronized void factoryAdded(DeviceFactory factory) {
        if (host == null) {
            return;
        }
        for (Entry e : List.copyOf(byId.values())) {
            if (e.factory == null && e.type.equals(factory.type())) {
                tryPlug(e);
            }
        }
    }

    /** A backend opened that a waiting device may name: the devices that wait and have a factory try again. */
    public synchronized void retryWaiting() {
        if (host == null) {
            return;
        }
        for (Entry e : List.copyOf(byId.values())) {
            if (e.factory == null && !e.parked && !unplugging.containsKey(e.id) && catalog.find(e.type) != null) {
                tryPlug(e);
            }
        }
    }

    /**
     * A factory left (its bundle stops or is updated): the devices it built are unplugged and their configurations
     * wait for a factory of the same type. The catalog must no longer list it.
     */
    public synchronized void factoryRemoved(DeviceFactory factory) {
        for (Map.Entry<String, DeviceFactory> u : List.copyOf(unplugging.entrySet())) {
            if (u.getValue() == factory) {
                unplugNow(u.getKey()); // the guest is too late to eject it
            }
        }
        for (Entry e : List.copyOf(byId.values())) {
            if (e.factory != factory) {
                continue;
            }
            e.factory = null;
            if (host != null && host.park(e.id, () -> swapTimedOut(e))) {
                e.parked = true;
                e.leftFactory = factory;
                tryPlug(e); // another factory of the type may be there already
                continue;
            }
            LOG.info("device {} ({}): its factory left; the device is unplugged until a factory returns", e.id,
                    e.type);
            unplugging.put(e.id, factory);
            unplugNow(e.id);
        }
    }

    /**
     * The guest ejected device {@code id} on its own and the machine unplugged it: as in QEMU the device is
     * deleted (DEVICE_DELETED), and so is its configuration.
     */
    public void ejectedByGuest(String id) {
        String pid = null;
        synchronized (this) {
            Entry e = byId.get(id);
            if (e == null || e.factory == null) {
                return;
            }
            unplugging.put(id, e.factory);
            e.factory = null;
            byId.remove(id);
            if (e.pid != null) {
                idByPid.remove(e.pid);
                pid = e.pid;
            }
            gone(id);
        }
        if (pid != null) {
            delete(pid);
        }
    }

    /** The ids the manager knows (plugged or waiting), for tests and diagnostics. */
    public synchronized Map<String, Boolean> devices() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        byId.forEach((id, e) -> out.put(id, e.factory != null));
        return out;
    }

    /**
     * The {@code bootindex} of each plugged device that has one, by id: QEMU's generic property, which the
     * firmware's boot order is made of. A value that is not a number is left out (the device checks its own).
     */
    public synchronized Map<String, Integer> bootIndexes() {
        Map<String, Integer> out = new LinkedHashMap<>();
        byId.forEach((id, e) -> {
            String v = e.factory == null ? null : e.properties.get("bootindex");
            if (v != null) {
                try {
                    out.put(id, Integer.parseInt(v.strip()));
                } catch (NumberFormatException ignored) {
                    // not a boot index; the device said so when it was plugged
                }
            }
        });
        return out;
    }

    /** Forgets {@code e}, unplugs its device, and lets a configuration that waited for its id have it. */
    private void drop(Entry e, boolean announceAlways) {
        byId.remove(e.id);
        if (e.pid != null) {
            idByPid.remove(e.pid);
        }
        if (e.parked) {
            discard(e);
        } else if (e.factory != null) {
            DeviceFactory factory = e.factory;
            e.factory = null;
            unplugging.put(e.id, factory);
            if (host == null || !host.unplug(e.id, () -> gone(e.id))) {
                gone(e.id);
            }
        } else if (announceAlways) {
            deleted(e.id);
        }
        if (!unplugging.containsKey(e.id)) {
            promote(e.id);
        }
    }

    /** A configuration that waited for {@code id} gets it. */
    private void promote(String id) {
        for (Configured c : List.copyOf(blocked.values())) {
            if (c.id().equals(id)) {
                blocked.remove(c.pid());
                Entry next = new Entry(c.id(), c.type(), c.properties());
                next.pid = c.pid();
                byId.put(next.id, next);
                idByPid.put(next.pid, next.id);
                tryPlug(next);
                break;
            }
        }
    }

    private void unplugNow(String id) {
        if (host == null || !host.unplugNow(id, () -> gone(id))) {
            gone(id);
        }
    }

    /**
     * A device being removed is gone from the machine (possibly long after the request, on a vCPU thread): it is
     * announced once, and whatever waited for its id (a configuration, or one of its type) is plugged.
     */
    private synchronized void gone(String id) {
        if (!unplugging.containsKey(id)) {
            return;
        }
        unplugging.remove(id);
        deleted(id);
        Entry e = byId.get(id);
        if (e != null && e.factory == null) {
            tryPlug(e);
        } else if (e == null) {
            promote(id);
        }
    }

    /** QEMU's DEVICE_DELETED for a device with an id. */
    private void deleted(String id) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("device", id);
        data.put("path", "/machine/peripheral/" + id);
        events.emit(QmpEvents.DEVICE_DELETED, data);
    }

    /**
     * The hot-swap of {@code e} is done: modvm's own event, in QMP's downstream spelling, instead of DEVICE_DELETED
     * (the device never left the guest), with the versions of the bundles it went from and to.
     */
    private void swapped(Entry e, DeviceFactory successor, boolean stateKept) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("device", e.id);
        data.put("path", "/machine/peripheral/" + e.id);
        data.put("type", e.type);
        data.put("old-version", e.leftFactory == null ? "unknown" : catalog.version(e.leftFactory));
        data.put("new-version", catalog.version(successor));
        data.put("state-kept", stateKept);
        e.leftFactory = null;
        events.emit(QmpEvents.DEVICE_SWAPPED, data);
    }

    /** Hot-swap abandoned: the parked device leaves the guest (DEVICE_DELETED once it has); the entry waits on. */
    private void discard(Entry e) {
        e.parked = false;
        e.leftFactory = null;
        unplugging.put(e.id, null);
        if (host == null || !host.discardParked(e.id, () -> gone(e.id))) {
            gone(e.id);
        }
    }

    /** The machine's swap timer: no new factory came in time. */
    private synchronized void swapTimedOut(Entry e) {
        if (e.parked && byId.get(e.id) == e) {
            LOG.warn("device {} ({}): no new factory of its type in time; it is unplugged from the guest", e.id,
                    e.type);
            discard(e);
        }
    }

    private void tryPlug(Entry e) {
        if (host == null) {
            return;
        }
        if (e.parked) {
            DeviceFactory successor = catalog.find(e.type);
            if (successor == null) {
                return;
            }
            try {
                boolean kept = host.restore(e.id, successor, e.properties);
                e.parked = false;
                e.factory = successor;
                swapped(e, successor, kept);
            } catch (DeviceException ex) {
                LOG.warn("device {} ({}): the new factory did not take its state over ({}); it is unplugged from "
                        + "the guest", e.id, e.type, ex.getMessage());
                discard(e);
            }
            return;
        }
        DeviceFactory factory = catalog.find(e.type);
        if (factory == null) {
            if (e.typeSeen) {
                LOG.info("device {} waits for a bundle that provides device type {}", e.id, e.type);
            } else {
                LOG.warn("device {} waits for a bundle that provides device type {} (known types now: {})", e.id,
                        e.type, String.join(", ", catalog.types()));
            }
            return;
        }
        e.typeSeen = true;
        try {
            host.plug(e.id, factory, e.properties);
            e.factory = factory;
        } catch (DeviceException ex) {
            LOG.warn("device {} ({}) not plugged: {}", e.id, e.type, ex.getMessage());
        }
    }

    /** Records {@code e}'s configuration; if the device went meanwhile, the configuration goes too. */
    private void record(Entry e) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(TYPE, e.type);
        properties.put(ID, e.id);
        properties.putAll(e.properties);
        String pid;
        try {
            pid = store.create(properties);
        } catch (IOException | RuntimeException ex) {
            LOG.warn("device {}: its configuration could not be recorded: {}", e.id, ex.toString());
            return;
        }
        if (pid == null) {
            return;
        }
        boolean orphan;
        synchronized (this) {
            orphan = byId.get(e.id) != e;
            if (!orphan && e.pid == null) {
                e.pid = pid;
                idByPid.put(pid, e.id);
            }
        }
        if (orphan) {
            delete(pid);
        }
    }

    private void delete(String pid) {
        try {
            store.delete(pid);
        } catch (IOException | RuntimeException ex) {
            LOG.warn("device configuration {} could not be deleted: {}", pid, ex.toString());
        }
    }

    /**
     * A configuration's device: {@code type} (or QEMU's {@code driver}), {@code id} (or, for a {@code .cfg} file
     * without one, the name FileInstall gives after {@code ~}), and every other property except the ones Config
     * Admin and FileInstall add.
     */
    static Configured parse(String pid, Map<String, ?> raw) {
        String type = ConfigValues.first(raw, TYPE, "driver");
        if (type == null || type.isEmpty()) {
            throw new IllegalArgumentException("no device type (type=...)");
        }
        String id = raw.get(ID) != null ? ConfigValues.first(raw, ID) : ConfigValues.fileName(pid).strip();
        if (id.isEmpty()) {
            throw new IllegalArgumentException("no device id (id=...)");
        }
        return new Configured(pid, type, id, ConfigValues.own(raw, Set.of(TYPE, "driver", ID)));
    }
}

package io.modvm.core.backends;

import io.modvm.api.backend.Backend;
import io.modvm.api.backend.BackendContext;
import io.modvm.api.backend.BackendFactory;
import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.DeviceException;
import io.modvm.core.chardev.LegacyChardev;
import io.modvm.core.config.ConfigValues;
import io.modvm.core.config.ConfigurationStore;
import io.modvm.core.devices.DeviceBackends;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns backend configurations plus backend factories into open backends, as the device manager does for devices.
 * A backend is a configuration with factory PID {@value #FACTORY_PID}: {@code kind}, {@code type}, {@code id} and
 * its own options. The command line ({@code -chardev}, {@code -serial}), the monitor ({@code chardev-add}...) and a
 * {@code .cfg} file all end as such a configuration; a backend is open while its configuration and its factory
 * exist. Devices take one by id ({@link #take}): one device at a time, as in QEMU, until it is unplugged.
 *
 * <p>Thread-safe: configuration updates come on Config Admin's thread, factories on the thread that registers them,
 * monitor commands on the monitor's, devices on whatever thread plugs them. Calls into the store are made without
 * the lock.
 */
public final class BackendManager implements DeviceBackends {
    private static final Logger LOG = LoggerFactory.getLogger(BackendManager.class);
    /** The factory PID of backend configurations. */
    public static final String FACTORY_PID = "io.modvm.backend";
    public static final String KIND = "kind";
    public static final String TYPE = "type";
    public static final String ID = "id";
    /** QEMU's identifiers, and the ones QEMU gives backends itself: -nic's and -net's are __org.qemu.nic0... */
    private static final Pattern IDENTIFIER = Pattern.compile("(__org\\.qemu\\.)?[A-Za-z][A-Za-z0-9._-]*");
    /** How a backend built on another is named as its holder: {@code #kind/id}, never a device id. */
    private static final String PARENT = "#";

    /** What a backend is now, for the monitor's queries. */
    public record Info(String kind, String type, String id, String description, String holder) {
    }

    /** A backend the manager knows: configured, or opened for one device. */
    private final class Entry implements BackendContext {
        final String kind;
        final String type;
        final String id;
        final Map<String, String> properties;
        final boolean autoDelete;
        /** Opened for one device: closed when it lets go, and never a configuration. */
        final boolean owned;
        String pid;
        Backend open;
        BackendFactory factory;
        /** The device (or, for a node under another, {@code #parent}) that holds it; null while free. */
        String holder;
        /** Backends this one took while opening (a format node's file node). */
        final List<Entry> children = new ArrayList<>();

        Entry(String kind, String type, String id, Map<String, String> properties, boolean autoDelete,
                boolean owned) {
            this.kind = kind;
            this.type = type;
            this.id = id;
            this.properties = Map.copyOf(properties);
            this.autoDelete = autoDelete;
            this.owned = owned;
        }

        String key() {
            return keyOf(kind, id);
        }

        boolean describes(String t, Map<String, String> p) {
            return type.equals(t) && properties.equals(p);
        }

        @Override
        public String backendId() {
            return id;
        }

        @Override
        public <B> B backend(String childKind, String childId, Class<B> as) throws DeviceException {
            Entry child = entries.get(keyOf(childKind, childId));
            if (child == null) {
                throw BackendErrors.removeNotFound(childKind, childId);
            }
            B taken = claim(child, childKind, childId, as, PARENT + key(), kind);
            children.add(child);
            return taken;
        }

        @Override
        public void requestQuit() {
            quit.run();
        }
    }

    private final BackendCatalog catalog;
    private final ConfigurationStore store;
    private final Runnable quit;
    /** Guarded by this: every backend by {@code kind/id}, in arrival order. */
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> keyByPid = new HashMap<>();
    private volatile Runnable onOpened = () -> { };

    /** @param quit ends the machine (a console's Ctrl-A x) */
    public BackendManager(BackendCatalog catalog, ConfigurationStore store, Runnable quit) {
        this.catalog = catalog;
        this.store = store;
        this.quit = quit;
    }

    private static String keyOf(String kind, String id) {
        return kind + "/" + id;
    }

    /** Runs {@code listener} after a backend that waited for its factory opened: devices that named it may plug. */
    public void onOpened(Runnable listener) {
        this.onOpened = listener;
    }

    /**
     * Opens the command line's backends in order, before any device takes one.
     *
     * @throws DeviceException the first that failed, as {@code ORIGIN: reason}; the machine must not start
     */
    public synchronized void openAtStart(List<BackendSpec> specs) throws DeviceException {
        for (BackendSpec s : specs) {
            try {
                add(s);
            } catch (DeviceException e) {
                throw new DeviceException(s.origin() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Opens a backend now (the monitor's {@code chardev-add}, {@code blockdev-add}), then records its configuration.
     *
     * @throws DeviceException an unknown type, a duplicate or bad id, or the factory's message
     */
    public void add(String kind, String type, String id, Map<String, String> properties) throws DeviceException {
        Entry e;
        synchronized (this) {
            e = add(new BackendSpec(kind, type, id, properties, kind + " " + id, false));
        }
        record(e);
    }

    /** As {@link #add}, for a backend that goes with the device that takes it (HMP {@code drive_add}). */
    public void addLegacy(String kind, String type, String id, Map<String, String> properties)
            throws DeviceException {
        Entry e;
        synchronized (this) {
            e = add(new BackendSpec(kind, type, id, properties, kind + " " + id, true));
        }
        record(e);
    }

    private Entry add(BackendSpec s) throws DeviceException {
        if (s.type() == null || s.type().isEmpty()) {
            throw BackendErrors.noType(s.kind());
        }
        if (s.id() == null || !IDENTIFIER.matcher(s.id()).matches()) {
            throw BackendErrors.badId(String.valueOf(s.id()));
        }
        if (entries.containsKey(keyOf(s.kind(), s.id()))) {
            throw BackendErrors.duplicate(s.kind(), s.id());
        }
        BackendFactory factory = catalog.find(s.kind(), s.type());
        if (factory == null) {
            throw catalog.unknownType(s.kind(), s.type());
        }
        Entry e = new Entry(s.kind(), s.type(), s.id(), s.properties(), s.autoDelete(), false);
        open(e, factory);
        entries.put(e.key(), e);
        return e;
    }

    /** Opens {@code e} through {@code factory}; on failure what it took is released and nothing is open. */
    private void open(Entry e, BackendFactory factory) throws DeviceException {
        try {
            e.open = factory.open(e, e.properties);
            e.factory = factory;
        } catch (DeviceException ex) {
            releaseChildren(e);
            throw ex;
        } catch (RuntimeException | LinkageError ex) {
            releaseChildren(e);
            LOG.warn("{} {} ({}) failed to open", e.kind, e.id, e.type, ex);
            throw new DeviceException(BackendErrors.noun(e.kind) + " '" + e.id + "' failed to open: " + ex, ex);
        }
        LOG.info("{} {} ({}) open", e.kind, e.id, e.type);
    }

    /**
     * Closes a backend (the monitor's {@code chardev-remove}, {@code blockdev-del}) and deletes its configuration.
     * One a device holds is refused unless {@code force} (HMP {@code drive_del}, which takes a disk away from its
     * device, as QEMU's does).
     *
     * @throws DeviceException none of that kind and id, or busy
     */
    public void remove(String kind, String id, boolean force) throws DeviceException {
        String pid;
        synchronized (this) {
            Entry e = entries.get(keyOf(kind, id));
            if (e == null || e.owned) {
                throw BackendErrors.removeNotFound(kind, id);
            }
            if (e.holder != null && !force) {
                boolean parent = e.holder.startsWith(PARENT);
                throw BackendErrors.busy(kind, id, parent ? e.holder.substring(e.holder.indexOf('/') + 1) : e.holder,
                        parent);
            }
            pid = e.pid;
            drop(e);
        }
        delete(pid);
    }

    @Override
    public synchronized <B> B take(String kind, String reference, Class<B> type, String deviceId, String deviceType)
            throws DeviceException {
        if (reference == null) {
            return null;
        }
        Entry e = entries.get(keyOf(kind, reference));
        if (e == null && BackendKinds.CHARDEV.equals(kind) && LegacyChardev.isLegacy(reference)) {
            LegacyChardev legacy = LegacyChardev.parse(reference);
            return open(kind, legacy.type(), legacy.options(), type, deviceId);
        }
        if (e == null || e.owned && !deviceId.equals(e.holder)) {
            throw BackendErrors.notFound(kind, reference, deviceType);
        }
        return claim(e, kind, reference, type, deviceId, deviceType);
    }

    private <B> B claim(Entry e, String kind, String reference, Class<B> type, String holder, String holderType)
            throws DeviceException {
        if (e.open == null) {
            throw BackendErrors.notOpen(kind, reference, e.type);
        }
        if (e.holder != null && !e.holder.equals(holder)) {
            throw BackendErrors.inUse(kind, reference, holderType);
        }
        if (!type.isInstance(e.open)) {
            throw BackendErrors.wrongSort(kind, reference, holderType, type);
        }
        e.holder = holder;
        return type.cast(e.open);
    }

    @Override
    public synchronized <B> B open(String kind, String type, Map<String, String> properties, Class<B> as,
            String deviceId) throws DeviceException {
        BackendFactory factory = catalog.find(kind, type);
        if (factory == null) {
            throw catalog.unknownType(kind, type);
        }
        String id = deviceId + "." + BackendErrors.deviceProperty(kind);
        for (int n = 1; entries.containsKey(keyOf(kind, id)); n++) {
            id = deviceId + "." + BackendErrors.deviceProperty(kind) + n;
        }
        Entry e = new Entry(kind, type, id, properties, false, true);
        open(e, factory);
        if (!as.isInstance(e.open)) {
            close(e);
            throw new DeviceException(kind + " type '" + type + "' is not a " + as.getSimpleName());
        }
        e.holder = deviceId;
        entries.put(e.key(), e);
        return as.cast(e.open);
    }

    @Override
    public void release(String deviceId, boolean unplugged) {
        List<String> deleted = new ArrayList<>();
        synchronized (this) {
            for (Entry e : List.copyOf(entries.values())) {
                if (!deviceId.equals(e.holder)) {
                    continue;
                }
                if (e.owned || e.autoDelete && unplugged) {
                    deleted.add(e.pid);
                    drop(e);
                } else {
                    e.holder = null;
                }
            }
        }
        deleted.forEach(this::delete);
    }

    /** Forgets {@code e}, closing it and letting go of what it took. */
    private void drop(Entry e) {
        entries.remove(e.key());
        if (e.pid != null) {
            keyByPid.remove(e.pid);
        }
        close(e);
    }

    private void close(Entry e) {
        if (e.open != null) {
            try {
                e.open.close();
            } catch (RuntimeException | LinkageError ex) {
                LOG.warn("{} {} failed to close", e.kind, e.id, ex);
            }
            e.open = null;
            e.factory = null;
            LOG.info("{} {} closed", e.kind, e.id);
        }
        releaseChildren(e);
    }

    private void releaseChildren(Entry e) {
        for (Entry child : e.children) {
            if ((PARENT + e.key()).equals(child.holder)) {
                child.holder = null;
            }
        }
        e.children.clear();
    }

    /** A factory arrived: the backends of its kind and type that wait open. */
    public void factoryAdded(BackendFactory factory) {
        boolean opened = false;
        synchronized (this) {
            for (Entry e : List.copyOf(entries.values())) {
                if (e.open == null && e.kind.equals(factory.kind()) && e.type.equals(factory.type())) {
                    opened |= tryOpen(e);
                }
            }
        }
        if (opened) {
            onOpened.run();
        }
    }

    /**
     * A factory left (its bundle stops or is updated): the backends it opened close while its classes exist, and
     * their configurations wait for a factory of the same type. A device that held one loses it.
     */
    public synchronized void factoryRemoved(BackendFactory factory) {
        for (Entry e : List.copyOf(entries.values())) {
            if (e.factory != factory) {
                continue;
            }
            if (e.holder != null) {
                LOG.warn("{} {}: its type's bundle left while '{}' uses it; it is closed until a bundle of type {} "
                        + "returns", e.kind, e.id, e.holder, e.type);
            }
            if (e.owned) {
                entries.remove(e.key());
            }
            close(e);
        }
    }

    private boolean tryOpen(Entry e) {
        BackendFactory factory = catalog.find(e.kind, e.type);
        if (factory == null) {
            LOG.info("{} {} waits for a bundle that provides {} type {}", e.kind, e.id, e.kind, e.type);
            return false;
        }
        try {
            open(e, factory);
            return true;
        } catch (DeviceException ex) {
            LOG.warn("{} {} ({}) not opened: {}", e.kind, e.id, e.type, ex.getMessage());
            return false;
        }
    }

    /** Reads the configurations the store holds now, as if each had just arrived. */
    public void loadExisting() {
        Map<String, Map<String, Object>> existing;
        try {
            existing = store.existing();
        } catch (IOException | RuntimeException e) {
            LOG.warn("backend configurations could not be listed: {}", e.toString());
            return;
        }
        existing.forEach(this::configurationUpdated);
    }

    /** A configuration was created or changed (Config Admin, or {@link #loadExisting}). */
    public void configurationUpdated(String pid, Map<String, ?> raw) {
        String kind = ConfigValues.first(raw, KIND);
        String type = ConfigValues.first(raw, TYPE, "driver", "backend");
        String id = raw.get(ID) != null ? ConfigValues.first(raw, ID)
                : raw.get("node-name") != null ? ConfigValues.first(raw, "node-name") : ConfigValues.fileName(pid);
        if (kind == null || kind.isEmpty() || type == null || type.isEmpty()) {
            LOG.warn("backend configuration {} ignored: it needs kind= (chardev, block, netdev) and type=", pid);
            configurationDeleted(pid);
            return;
        }
        Map<String, String> properties = ConfigValues.own(raw, Set.of(KIND, TYPE, "driver", "backend", ID,
                "node-name"));
        boolean opened;
        synchronized (this) {
            String known = keyByPid.get(pid);
            if (known != null) {
                Entry e = entries.get(known);
                if (e.describes(type, properties) && e.id.equals(id)) {
                    return;
                }
                drop(e);
            }
            Entry holder = entries.get(keyOf(kind, id));
            if (holder != null) {
                if (holder.pid == null && !holder.owned && holder.describes(type, properties)) {
                    holder.pid = pid; // the configuration recorded for a backend already open
                    keyByPid.put(pid, holder.key());
                } else {
                    LOG.warn("backend configuration {}: {}", pid, BackendErrors.duplicate(kind, id).getMessage());
                }
                return;
            }
            Entry e = new Entry(kind, type, id, properties, false, false);
            e.pid = pid;
            entries.put(e.key(), e);
            keyByPid.put(pid, e.key());
            opened = tryOpen(e);
        }
        if (opened) {
            onOpened.run();
        }
    }

    /** A configuration was deleted: its backend closes, even under a device (which then loses it). */
    public synchronized void configurationDeleted(String pid) {
        String known = keyByPid.get(pid);
        if (known == null) {
            return;
        }
        Entry e = entries.get(known);
        if (e.holder != null) {
            LOG.warn("{} {}: its configuration was deleted while '{}' uses it; it is closed", e.kind, e.id,
                    e.holder);
        }
        drop(e);
    }

    /** Creates a configuration for each configured backend that has none yet (those of the command line). */
    public void recordConfigurations() {
        List<Entry> without;
        synchronized (this) {
            without = entries.values().stream().filter(e -> e.pid == null && !e.owned).toList();
        }
        without.forEach(this::record);
    }

    private void record(Entry e) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(KIND, e.kind);
        properties.put(TYPE, e.type);
        properties.put(ID, e.id);
        properties.putAll(e.properties);
        String pid;
        try {
            pid = store.create(properties);
        } catch (IOException | RuntimeException ex) {
            LOG.warn("{} {}: its configuration could not be recorded: {}", e.kind, e.id, ex.toString());
            return;
        }
        if (pid == null) {
            return;
        }
        boolean orphan;
        synchronized (this) {
            orphan = entries.get(e.key()) != e;
            if (!orphan && e.pid == null) {
                e.pid = pid;
                keyByPid.put(pid, e.key());
            }
        }
        if (orphan) {
            delete(pid);
        }
    }

    private void delete(String pid) {
        if (pid == null) {
            return;
        }
        try {
            store.delete(pid);
        } catch (IOException | RuntimeException ex) {
            LOG.warn("backend configuration {} could not be deleted: {}", pid, ex.toString());
        }
    }

    /** The backends of {@code kind}, in arrival order. */
    public synchronized List<Info> list(String kind) {
        List<Info> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.kind.equals(kind)) {
                out.add(new Info(e.kind, e.type, e.id, e.open == null ? "" : e.open.describe(), e.holder));
            }
        }
        return out;
    }

    /** The open backends of {@code kind}, by id, in arrival order: {@code savevm} looks for its disks there. */
    public synchronized Map<String, Backend> opened(String kind) {
        Map<String, Backend> out = new LinkedHashMap<>();
        for (Entry e : entries.values()) {
            if (e.kind.equals(kind) && e.open != null) {
                out.put(e.id, e.open);
            }
        }
        return out;
    }

    @Override
    public synchronized void closeAll() {
        for (Entry e : List.copyOf(entries.values())) {
            close(e);
            e.holder = null;
            if (e.owned) {
                entries.remove(e.key());
            }
        }
    }
}

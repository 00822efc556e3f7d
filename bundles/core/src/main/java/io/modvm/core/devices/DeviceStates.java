package io.modvm.core.devices;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of every device of a machine at once, for a snapshot or a migration, in the records a hot-swap carries.
 * Each device's record is wrapped in a {@value #TYPE} record (version {@value #VERSION}) that names the device
 * ({@code id}) and the device type that wrote it ({@code type}, as {@code -device} spells it) around the device's
 * own record ({@code state}), so that a restore can tell a state meant for another device before any device reads
 * it. All of them together make one {@value #LIST_TYPE} record ({@code devices}: the {@value #TYPE} records in plug
 * order).
 *
 * <p>A restore into a machine that runs goes through the hot-swap path, device by device: the current instance is
 * quiesced and parked, and its factory builds the new one from the saved state in the same slot and ports
 * ({@link DeviceTable#park}, {@link DeviceTable#restore}). The vCPUs must be paused meanwhile; the caller pauses
 * them.
 */
final class DeviceStates {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceStates.class);
    /** The wrapper record's type. */
    static final String TYPE = "device";
    static final int VERSION = 1;
    /** The record of every device's wrapped state. */
    static final String LIST_TYPE = "devices";
    static final int LIST_VERSION = 1;

    private final DeviceTable table;
    /** Devices quiesced by {@link #saveAll} and not resumed since; guarded by this. */
    private final Set<String> quiesced = new LinkedHashSet<>();

    DeviceStates(DeviceTable table) {
        this.table = table;
    }

    /**
     * Quiesces every device and takes its state, in plug order. The devices stay quiesced until {@link #resumeAll}
     * (or a restore replaces them). Nothing is quiesced if any device cannot save its state.
     *
     * @throws DeviceException QEMU's "State blocked by non-migratable device" naming a device that has no state, a
     *     device in the middle of a hot-swap, or a device that failed to save (the others are resumed)
     */
    synchronized Map<String, StateRecord> saveAll() throws DeviceException {
        return table.exclusive(this::saveEach);
    }

    private Map<String, StateRecord> saveEach() throws DeviceException {
        Map<String, DeviceTable.Plugged> devices = table.plugged();
        for (Map.Entry<String, DeviceTable.Plugged> e : devices.entrySet()) {
            if (!(e.getValue().device() instanceof StatefulDevice)) {
                throw new DeviceException("State blocked by non-migratable device '" + e.getKey() + "' ("
                        + type(e.getValue()) + ")");
            }
        }
        Map<String, StateRecord> out = new LinkedHashMap<>();
        String current = null;
        try {
            for (Map.Entry<String, DeviceTable.Plugged> e : devices.entrySet()) {
                current = e.getKey();
                ((StatefulDevice) e.getValue().device()).quiesce();
                quiesced.add(current);
            }
            for (Map.Entry<String, DeviceTable.Plugged> e : devices.entrySet()) {
                current = e.getKey();
                StateRecord state = ((StatefulDevice) e.getValue().device()).saveState();
                out.put(current, wrap(current, type(e.getValue()), state));
            }
        } catch (RuntimeException | LinkageError ex) {
            LOG.warn("device {}: its state could not be saved", current, ex);
            resumeAll();
            throw new DeviceException("device '" + current + "' (" + type(devices.get(current))
                    + "): its state could not be saved: " + ex, ex);
        }
        return out;
    }

    /** The devices {@link #saveAll} quiesced serve the guest again (a save is done, or abandoned). */
    synchronized void resumeAll() {
        Map<String, DeviceTable.Plugged> devices;
        try {
            devices = table.plugged();
        } catch (DeviceException e) {
            LOG.warn("devices not resumed: {}", e.getMessage());
            return;
        }
        for (String id : quiesced) {
            if (devices.get(id) != null && devices.get(id).device() instanceof StatefulDevice d) {
                try {
                    d.resume();
                } catch (RuntimeException | LinkageError e) {
                    LOG.warn("device {} did not resume", id, e);
                }
            }
        }
        quiesced.clear();
    }

    /**
     * Restores {@code states} (from {@link #saveAll}, by device id) into the devices plugged now, through the
     * hot-swap path, in plug order. Every id is checked first: a state for a device this machine does not have, a
     * device without a state, or a state written by another device type is refused before any device changes. A
     * device whose factory then refuses its state gets its own state back, and so do those restored before it.
     *
     * @throws DeviceException naming the device, for any of those
     */
    synchronized void restoreAll(Map<String, StateRecord> states) throws DeviceException {
        Map<String, DeviceTable.Plugged> devices = table.plugged();
        Map<String, StateRecord> inner = check(devices, states);
        List<String> done = new ArrayList<>();
        Map<String, StateRecord> previous = new LinkedHashMap<>();
        for (Map.Entry<String, StateRecord> e : inner.entrySet()) {
            String id = e.getKey();
            DeviceTable.Origin origin = devices.get(id).origin();
            StateRecord old = table.park(id);
            if (old == null) {
                rollBack(done, previous, devices);
                throw new DeviceException("device '" + id + "' (" + type(devices.get(id))
                        + "): its current state could not be taken; the devices are as they were");
            }
            quiesced.remove(id);
            previous.put(id, old);
            try {
                table.restore(id, origin.factory(), origin.properties(), e.getValue());
            } catch (DeviceException ex) {
                done.add(id);
                rollBack(done, previous, devices);
                throw new DeviceException("device '" + id + "' (" + type(devices.get(id))
                        + "): the saved state was refused: " + ex.getMessage()
                        + "; the devices are as they were", ex);
            }
            done.add(id);
        }
        LOG.info("restored the state of {} device(s)", done.size());
    }

    /** The device records inside {@code states}, in plug order, once every id and type matches. */
    private static Map<String, StateRecord> check(Map<String, DeviceTable.Plugged> devices,
            Map<String, StateRecord> states) throws DeviceException {
        for (String id : states.keySet()) {
            if (!devices.containsKey(id)) {
                throw new DeviceException("the saved state has device '" + id + "', which this machine does not have");
            }
        }
        Map<String, StateRecord> out = new LinkedHashMap<>();
        for (Map.Entry<String, DeviceTable.Plugged> e : devices.entrySet()) {
            String id = e.getKey();
            String type = type(e.getValue());
            StateRecord wrapped = states.get(id);
            if (wrapped == null) {
                throw new DeviceException("device '" + id + "' (" + type + ") has no state in the saved state");
            }
            if (!(e.getValue().device() instanceof StatefulDevice)) {
                throw new DeviceException("State blocked by non-migratable device '" + id + "' (" + type + ")");
            }
            try {
                wrapped.require(TYPE, 1, VERSION);
                if (wrapped.has("id") && !wrapped.getString("id").equals(id)) {
                    throw new DeviceException("device '" + id + "' was given the saved state of device '"
                            + wrapped.getString("id") + "'");
                }
                String saved = wrapped.getString("type");
                if (!saved.equals(type)) {
                    throw new DeviceException("device '" + id + "' is a " + type + " here, but its saved state is a "
                            + saved + "'s");
                }
                out.put(id, wrapped.getRecord("state"));
            } catch (StateException ex) {
                throw new DeviceException("device '" + id + "' (" + type + "): " + ex.getMessage(), ex);
            }
        }
        return out;
    }

    /** Gives each device in {@code done} its state from before the restore, last first. */
    private void rollBack(List<String> done, Map<String, StateRecord> previous,
            Map<String, DeviceTable.Plugged> devices) {
        for (int i = done.size() - 1; i >= 0; i--) {
            String id = done.get(i);
            DeviceTable.Origin origin = devices.get(id).origin();
            if (!table.parked(id) && table.park(id) == null) {
                LOG.warn("device {}: not rolled back; it keeps the restored state", id);
                continue;
            }
            try {
                table.restore(id, origin.factory(), origin.properties(), previous.get(id));
            } catch (DeviceException ex) {
                LOG.error("device {}: its own state was refused too ({}); it is unplugged", id, ex.getMessage());
                table.unplug(id);
            }
        }
    }

    static StateRecord wrap(String id, String type, StateRecord state) {
        return StateRecord.builder(TYPE, VERSION).put("id", id).put("type", type).put("state", state).build();
    }

    /** {@link #saveAll}'s states as one {@value #LIST_TYPE} record. */
    static StateRecord toList(Map<String, StateRecord> states) {
        return StateRecord.builder(LIST_TYPE, LIST_VERSION).put("devices", List.copyOf(states.values())).build();
    }

    /** The states of a {@value #LIST_TYPE} record by device id, for {@link #restoreAll}. */
    static Map<String, StateRecord> fromList(StateRecord list) throws StateException {
        list.require(LIST_TYPE, 1, LIST_VERSION);
        Map<String, StateRecord> out = new LinkedHashMap<>();
        for (StateRecord device : list.getRecords("devices")) {
            device.require(TYPE, 1, VERSION);
            String id = device.getString("id");
            if (out.put(id, device) != null) {
                throw new StateException(LIST_TYPE + ": device '" + id + "' saved twice");
            }
        }
        return out;
    }

    private static String type(DeviceTable.Plugged p) {
        return p.origin() == null ? "?" : p.origin().factory().type();
    }
}

package io.modvm.virtio.pci;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.device.VirtioDevice;
import io.modvm.virtio.device.VirtioFeatures;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code virtio-pci} state record read and checked against the device that is to take it over, before anything
 * is plugged: the state came from another instance, perhaps of another version, and is not trusted to fit.
 */
final class SavedState {
    final int status;
    final int deviceFeatureSelect;
    final int driverFeatureSelect;
    final long driverFeatures;
    final int configVector;
    final int queueSelect;
    final int generation;
    final int isr;
    /** The driver had started the device and it was serving its queues. */
    final boolean active;
    final List<SavedQueue> queues;
    final StateRecord device;
    /** The interfaces the function offered: a version 1 record is of a modern-only function. */
    final VirtioPciMode mode;
    /** Which interface the driver was using ({@link VirtioPciTransport#DRIVER_NONE} and so on). */
    final int driverInterface;

    /** One queue's registers and, if {@link #live}, its device-side ring indexes. */
    static final class SavedQueue {
        int size;
        int vector;
        boolean enabled;
        long desc;
        long driver;
        long device;
        boolean live;
        int nextAvail;
        int nextUsed;
        int inFlight;
        boolean notificationPending;
    }

    private SavedState(StateRecord r, VirtioDevice target) throws StateException {
        r.require(VirtioPciTransport.STATE_TYPE, 1, VirtioPciTransport.STATE_VERSION);
        int type = r.getInt("deviceType");
        if (type != target.deviceType()) {
            throw new StateException("virtio-pci state of a virtio device of type " + type + " given to one of type "
                    + target.deviceType());
        }
        int n = target.queueCount();
        int maxVector = n + 1;
        status = bounded(r, "status", 0, 0xFF);
        deviceFeatureSelect = r.getInt("deviceFeatureSelect");
        driverFeatureSelect = r.getInt("driverFeatureSelect");
        driverFeatures = r.getLong("driverFeatures");
        configVector = vector(r, "configVector", maxVector);
        queueSelect = bounded(r, "queueSelect", 0, 0xFFFF);
        generation = r.getInt("generation");
        isr = bounded(r, "isr", 0, 3);
        if (r.version() >= 2) {
            mode = mode(r.getString("mode"));
            driverInterface = bounded(r, "driverInterface", VirtioPciTransport.DRIVER_NONE,
                    VirtioPciTransport.DRIVER_LEGACY);
        } else {
            mode = VirtioPciMode.MODERN;
            driverInterface = status == 0 ? VirtioPciTransport.DRIVER_NONE : VirtioPciTransport.DRIVER_MODERN;
        }
        if ((driverInterface == VirtioPciTransport.DRIVER_LEGACY && !mode.legacy())
                || (driverInterface == VirtioPciTransport.DRIVER_MODERN && !mode.modern())) {
            throw new StateException("virtio-pci: a driver of an interface the " + mode + " function does not have");
        }
        if (mode.legacy() && VirtioPciMode.legacyDeviceId(type) < 0) {
            throw new StateException("virtio-pci: a " + mode + " function of type " + type + ", which has no legacy "
                    + "interface");
        }
        boolean legacyDriver = driverInterface == VirtioPciTransport.DRIVER_LEGACY;
        long offered = legacyDriver ? target.deviceFeatures() & 0xFFFF_FFFFL
                : target.deviceFeatures() | VirtioFeatures.bit(VirtioFeatures.VERSION_1);
        long missing = driverFeatures & ~offered;
        // A legacy driver's features count from the start; a modern one's once FEATURES_OK is set.
        if ((legacyDriver || (status & CommonConfig.STATUS_FEATURES_OK) != 0) && missing != 0) {
            throw new StateException("virtio-pci: the driver negotiated features 0x" + Long.toHexString(missing)
                    + " that this device version does not offer");
        }
        boolean running = r.getBoolean("active");
        if (running && (status & CommonConfig.STATUS_DRIVER_OK) == 0) {
            throw new StateException("virtio-pci: a running device without DRIVER_OK (status 0x"
                    + Integer.toHexString(status) + ")");
        }
        // A device that needed a reset stays stopped until the driver resets it.
        active = running && (status & CommonConfig.STATUS_NEEDS_RESET) == 0;
        List<StateRecord> saved = r.getRecords("queues");
        if (saved.size() != n) {
            throw new StateException("virtio-pci state has " + saved.size() + " queues; this device has " + n);
        }
        queues = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            queues.add(queue(saved.get(i), i, target.queueMaxSize(i), maxVector, running));
        }
        device = r.getRecord("device");
    }

    /** Reads {@code state} for {@code target}; a {@link StateException} of one line says what does not fit. */
    static SavedState read(StateRecord state, VirtioDevice target) throws StateException {
        return new SavedState(state, target);
    }

    private static SavedQueue queue(StateRecord r, int index, int maxSize, int maxVector, boolean running)
            throws StateException {
        r.require(VirtioPciTransport.QUEUE_STATE_TYPE, 1, VirtioPciTransport.QUEUE_STATE_VERSION);
        SavedQueue q = new SavedQueue();
        q.size = r.getInt("size");
        if (q.size < 1 || q.size > maxSize || Integer.bitCount(q.size) != 1) {
            throw new StateException("virtio-pci queue " + index + ": size " + q.size + " (this device allows "
                    + "powers of two up to " + maxSize + ")");
        }
        q.vector = vector(r, "vector", maxVector);
        q.enabled = r.getBoolean("enabled");
        q.desc = r.getLong("desc");
        q.driver = r.getLong("driver");
        q.device = r.getLong("device");
        q.live = r.getBoolean("live");
        if (q.live != (running && q.enabled)) {
            throw new StateException("virtio-pci queue " + index + ": " + (q.live ? "served" : "not served")
                    + " while " + (q.enabled ? "enabled" : "disabled") + " on a " + (running ? "running" : "stopped")
                    + " device");
        }
        if (q.live) {
            q.nextAvail = bounded(r, "nextAvail", 0, 0xFFFF);
            q.nextUsed = bounded(r, "nextUsed", 0, 0xFFFF);
            int outstanding = (q.nextAvail - q.nextUsed) & 0xFFFF;
            q.inFlight = bounded(r, "inFlight", 0, Math.min(q.size, outstanding));
            q.notificationPending = r.getBoolean("notificationPending");
        }
        return q;
    }

    private static VirtioPciMode mode(String name) throws StateException {
        for (VirtioPciMode m : VirtioPciMode.values()) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        throw new StateException("virtio-pci.mode = " + name + " is not one of TRANSITIONAL, MODERN, LEGACY");
    }

    private static int vector(StateRecord r, String name, int tableSize) throws StateException {
        int v = r.getInt(name);
        if (v != CommonConfig.NO_VECTOR && (v < 0 || v >= tableSize)) {
            throw new StateException(r.type() + "." + name + " = " + v + " is not an MSI-X vector of this device ("
                    + tableSize + " vectors)");
        }
        return v;
    }

    private static int bounded(StateRecord r, String name, int min, int max) throws StateException {
        long v = r.getLong(name);
        if (v < min || v > max) {
            throw new StateException(r.type() + "." + name + " = " + v + " is outside " + min + " to " + max);
        }
        return (int) v;
    }
}

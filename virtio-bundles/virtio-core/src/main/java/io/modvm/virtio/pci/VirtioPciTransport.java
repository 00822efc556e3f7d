package io.modvm.virtio.pci;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.device.BusHandler;
import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.memory.GuestMemory;
import io.modvm.api.pci.PciBar;
import io.modvm.api.pci.PciCapability;
import io.modvm.api.pci.PciFunction;
import io.modvm.api.pci.PciFunctionSpec;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.device.VirtioDevice;
import io.modvm.virtio.device.VirtioFeatures;
import io.modvm.virtio.queue.QueueConfig;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.VirtqueueException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtio-pci transport (virtio 1.2, 4.1) for one device: the modern interface's common, notification, ISR and
 * device-configuration structures in a memory BAR, announced by vendor capabilities, and, for a transitional or
 * legacy function ({@link VirtioPciMode}), the legacy header in I/O BAR 0 ({@link LegacyBar}); MSI-X for the
 * configuration vector and one vector per queue; queue notifications bound to ioeventfds, so a driver's kick wakes
 * the device's queue thread without running device code on the vCPU thread. A driver uses one interface at a time:
 * the first write after a reset picks it, and one that follows the legacy rules negotiates the low 32 feature bits
 * without VERSION_1 and no FEATURES_OK, and gives each queue a page frame number of a legacy ring.
 *
 * <p>The registers are written by vCPU threads; one lock orders them. Every driver-written value is checked before
 * it reaches the device: queue sizes, vectors, feature bits, and ring addresses (by {@link SplitVirtqueue#create}).
 *
 * <p>Hand-over ({@link StatefulDevice}): {@link #quiesce()} stops the device's threads and leaves every register and
 * ring as the driver last saw it; {@link #saveState()} is a {@value #STATE_TYPE} record of the registers, the
 * device-side ring indexes and the device's own record; {@link #restore} builds the transport that takes over, on
 * the same PCI function, without a reset the driver could see.
 */
public final class VirtioPciTransport implements StatefulDevice {
    private static final Logger LOG = LoggerFactory.getLogger(VirtioPciTransport.class);
    static final int VENDOR = 0x1af4;
    static final int DEVICE_ID_BASE = 0x1040;
    static final int SUBSYSTEM = 0x1100;
    /** Where a transitional or legacy function has its MSI-X table, as QEMU's: a memory BAR of its own. */
    static final int LEGACY_MSIX_BAR = 1;
    /** Where a transitional function has its modern structures (QEMU's BAR 4; BAR 0 is the legacy I/O BAR). */
    static final int TRANSITIONAL_MODERN_BAR = 4;

    static final int COMMON_OFFSET = 0x0000;
    static final int ISR_OFFSET = 0x1000;
    static final int DEVICE_OFFSET = 0x2000;
    static final int NOTIFY_OFFSET = 0x3000;
    static final int MSIX_OFFSET = 0x4000;
    static final int NOTIFY_MULTIPLIER = 4;
    static final long BAR_SIZE = 0x8000;
    /** The most MSI-X vectors whose table and PBA fit between {@link #MSIX_OFFSET} and the BAR's end. */
    static final int MAX_VECTORS = 1008;
    static final int REGION_SIZE = 0x1000;

    private static final int CAP_COMMON = 1;
    private static final int CAP_NOTIFY = 2;
    private static final int CAP_ISR = 3;
    private static final int CAP_DEVICE = 4;

    /** Type of the transport's state record. */
    public static final String STATE_TYPE = "virtio-pci";
    /**
     * Layout version of the transport's state record that {@link #saveState()} writes: 2 adds the interfaces the
     * function offers ({@code mode}) and the one the driver uses ({@code driverInterface}); a version 1 record is of
     * a modern-only function.
     */
    public static final int STATE_VERSION = 2;
    static final String QUEUE_STATE_TYPE = "virtio-pci-queue";
    static final int QUEUE_STATE_VERSION = 1;

    /** Values of {@link #driverInterface}: which interface the driver has written to since the last reset. */
    static final int DRIVER_NONE = 0;
    static final int DRIVER_MODERN = 1;
    static final int DRIVER_LEGACY = 2;

    private final String id;
    private final DeviceContext context;
    private final VirtioDevice device;
    private final PciFunction function;
    private final QueueRegisters[] queues;
    private final EventNotifier[] kicks;
    private final long offered;
    private final VirtioPciMode mode;
    /** The BAR that holds the modern structures, or -1 for a legacy-only function. */
    private final int modernBar;
    private final GuestErrorLog guestErrors;

    private int status;
    private int deviceFeatureSelect;
    private int driverFeatureSelect;
    private long driverFeatures;
    private int configVector = CommonConfig.NO_VECTOR;
    /** The MSI-X table's size. */
    private final int vectors;
    private int queueSelect;
    private int generation;
    private volatile int isr;
    private volatile Activation active;
    private boolean warnedNeedsReset;
    /** Guarded by this: {@link #DRIVER_NONE}, {@link #DRIVER_MODERN} or {@link #DRIVER_LEGACY}. */
    private int driverInterface;
    /** Guarded by this: the device's threads are stopped for a hand-over ({@link #quiesce()}). */
    private boolean quiesced;

    private VirtioPciTransport(DeviceContext context, VirtioDevice device, VirtioPciMode mode)
            throws DeviceException {
        this.id = context.deviceId();
        this.context = context;
        this.device = device;
        this.mode = mode;
        this.guestErrors = new GuestErrorLog(id);
        int n = device.queueCount();
        if (n < 1 || n > (REGION_SIZE / NOTIFY_MULTIPLIER)) {
            throw new IllegalArgumentException("queue count " + n);
        }
        this.queues = new QueueRegisters[n];
        for (int q = 0; q < n; q++) {
            queues[q] = new QueueRegisters(device.queueMaxSize(q));
        }
        this.offered = device.deviceFeatures() | VirtioFeatures.bit(VirtioFeatures.VERSION_1);
        this.vectors = device.msixVectors();
        if (vectors < 1 || vectors > MAX_VECTORS) {
            throw new IllegalArgumentException("MSI-X vectors " + vectors);
        }
        int legacyId = VirtioPciMode.legacyDeviceId(device.deviceType());
        if (mode.legacy() && (legacyId < 0 || LegacyHeader.CONFIG_MSIX + device.configSize() > PciBar.MAX_IO_SIZE)) {
            throw new DeviceException(id + ": virtio device type " + device.deviceType() + " has no legacy "
                    + "interface; use disable-legacy=on");
        }
        this.modernBar = !mode.modern() ? -1 : mode.legacy() ? TRANSITIONAL_MODERN_BAR : 0;
        this.function = context.plugPci(functionSpec(legacyId));
        this.kicks = new EventNotifier[n];
        for (int q = 0; q < n; q++) {
            // A transitional function's legacy notify register signals the same notifier from its handler; a
            // legacy-only function binds it to the port, one eventfd per queue by the queue index written.
            kicks[q] = modernBar >= 0
                    ? function.ioEvent(modernBar, NOTIFY_OFFSET + (long) q * NOTIFY_MULTIPLIER, 2, OptionalLong.empty())
                    : function.ioEvent(0, LegacyHeader.QUEUE_NOTIFY, 2, OptionalLong.of(q));
        }
    }

    /**
     * The function as QEMU's {@code pc} shows it: a transitional or legacy one has device ID 0x1000 + the legacy ID,
     * revision 0, the device type as subsystem ID, the legacy I/O BAR 0 and the MSI-X table in BAR 1, and (if
     * transitional) the modern structures in BAR 4; a modern-only one has device ID 0x1040 + type, revision 1 and
     * everything in BAR 0.
     */
    private PciFunctionSpec functionSpec(int legacyId) {
        if (!mode.legacy()) {
            return new PciFunctionSpec(VENDOR, DEVICE_ID_BASE + device.deviceType(), 1, device.pciClass(), VENDOR,
                    SUBSYSTEM, List.of(new PciBar(0, BAR_SIZE, false, new ModernBar())), capabilities(), vectors, 0,
                    MSIX_OFFSET, null);
        }
        List<PciBar> bars = new ArrayList<>();
        bars.add(PciBar.ioPorts(0, LegacyHeader.barSize(device.configSize()), new LegacyBar(this)));
        long msixBytes = vectors * 16L + ((vectors + 63) / 64) * 8L;
        bars.add(new PciBar(LEGACY_MSIX_BAR, Math.max(REGION_SIZE, Long.highestOneBit(msixBytes - 1) << 1), false,
                new EmptyBar()));
        if (mode.modern()) {
            bars.add(new PciBar(TRANSITIONAL_MODERN_BAR, BAR_SIZE, false, new ModernBar()));
        }
        return new PciFunctionSpec(VENDOR, legacyId, 0, device.pciClass(), VENDOR, device.deviceType(), bars,
                mode.modern() ? capabilities() : List.of(), vectors, LEGACY_MSIX_BAR, 0, null);
    }

    /**
     * Plugs {@code device} as a PCI function in its default mode ({@link VirtioPciMode#defaultFor}: transitional
     * where the type has a legacy ID, as QEMU's pc) and returns the machine's handle for it: {@link Device#reset()}
     * resets the transport and the device, {@link Device#close()} resets and closes the device.
     */
    public static Device plug(DeviceContext context, VirtioDevice device) throws DeviceException {
        return plug(context, device, VirtioPciMode.defaultFor(device.deviceType()));
    }

    /**
     * {@link #plug(DeviceContext, VirtioDevice)} offering the interfaces {@code mode} names (vendor 0x1af4; device
     * 0x1040 + type if modern-only, else 0x1000 + the legacy ID).
     *
     * @throws DeviceException if the legacy interface is asked for on a type that has none
     * @since 1.3
     */
    public static Device plug(DeviceContext context, VirtioDevice device, VirtioPciMode mode) throws DeviceException {
        return new VirtioPciTransport(context, device, mode);
    }

    /**
     * Builds the transport that takes over from one whose {@link #saveState()} is {@code state}, as after an update
     * of the device's bundle: the registers, the negotiated features and each queue's ring indexes continue where
     * they were, with no reset and no interrupt the driver could notice. The state is checked before anything is
     * plugged; then {@code device} gets its own record ({@link VirtioDevice#restoreState}), the PCI function comes
     * from {@code context.plugPci} (the machine hands back the function the old instance held, with its slot, BARs
     * and MSI-X table), and the device resumes on the restored queues ({@link VirtioDevice#resume}). Kicks that came
     * while the device was parked are not lost: a resumed device looks at every queue once.
     *
     * <p>On failure nothing stays registered by the transport; the caller closes {@code device}.
     *
     * @throws DeviceException with one line if the state is not a {@value #STATE_TYPE} record of version {@value
     *     #STATE_VERSION}, was saved by another kind of device, asks for what this device does not offer (a feature,
     *     a queue size), or the device cannot read its part of it
     */
    public static VirtioPciTransport restore(DeviceContext context, VirtioDevice device, StateRecord state)
            throws DeviceException {
        SavedState saved;
        try {
            saved = SavedState.read(state, device);
            device.restoreState(saved.device);
        } catch (StateException e) {
            throw new DeviceException(context.deviceId() + ": saved state not taken over: " + e.getMessage(), e);
        }
        VirtioPciTransport transport = new VirtioPciTransport(context, device, saved.mode);
        Activation activation;
        try {
            activation = transport.takeOver(saved);
        } catch (DeviceException | RuntimeException e) {
            transport.closeKicks();
            throw e;
        }
        try {
            device.resume(activation);
        } catch (RuntimeException e) {
            // A device that cannot start is stopped again, and the caller unplugs the function.
            transport.reset();
            transport.closeKicks();
            throw new DeviceException(context.deviceId() + ": the restored device failed to resume: " + e, e);
        }
        return transport;
    }

    /**
     * {@link #plug} for a new device ({@code state} null), {@link #restore} for one that takes over {@code state}:
     * what a factory's {@code create} and {@code restore} share. A factory that extends {@link VirtioPciFactory} gets
     * this, and the device closed when it fails, without calling it.
     */
    public static Device plugOrRestore(DeviceContext context, VirtioDevice device, StateRecord state)
            throws DeviceException {
        return state == null ? plug(context, device) : restore(context, device, state);
    }

    /** Sets the registers and rebuilds the rings from {@code saved}; returns the activation to resume, or null. */
    private synchronized Activation takeOver(SavedState saved) throws DeviceException {
        status = saved.status;
        deviceFeatureSelect = saved.deviceFeatureSelect;
        driverFeatureSelect = saved.driverFeatureSelect;
        driverFeatures = saved.driverFeatures;
        configVector = saved.configVector;
        queueSelect = saved.queueSelect;
        generation = saved.generation;
        isr = saved.isr;
        driverInterface = saved.driverInterface;
        for (int i = 0; i < queues.length; i++) {
            SavedState.SavedQueue from = saved.queues.get(i);
            QueueRegisters q = queues[i];
            q.size = from.size;
            q.vector = from.vector;
            q.enabled = from.enabled;
            q.desc = from.desc;
            q.driver = from.driver;
            q.device = from.device;
        }
        if (!saved.active) {
            return null;
        }
        GuestMemory memory = context.memory();
        boolean eventIdx = (driverFeatures & VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX)) != 0;
        boolean indirect = (driverFeatures & VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC)) != 0;
        SplitVirtqueue[] rings = new SplitVirtqueue[queues.length];
        for (int i = 0; i < queues.length; i++) {
            SavedState.SavedQueue from = saved.queues.get(i);
            if (!from.live) {
                continue;
            }
            QueueRegisters q = queues[i];
            try {
                rings[i] = SplitVirtqueue.create(memory,
                        new QueueConfig(q.size, q.desc, q.driver, q.device, eventIdx, indirect));
            } catch (VirtqueueException e) {
                throw new DeviceException(id + ": saved queue " + i + " does not fit this machine: "
                        + e.getMessage());
            }
            rings[i].restore(from.nextAvail, from.nextUsed, from.inFlight, from.notificationPending);
        }
        Activation a = new Activation(memory, driverFeatures, rings);
        active = a;
        return a;
    }

    private void closeKicks() {
        for (EventNotifier k : kicks) {
            k.close();
        }
    }

    private List<PciCapability> capabilities() {
        List<PciCapability> caps = new ArrayList<>();
        caps.add(vendorCap(CAP_COMMON, COMMON_OFFSET, CommonConfig.SIZE, -1));
        caps.add(vendorCap(CAP_NOTIFY, NOTIFY_OFFSET, queues.length * NOTIFY_MULTIPLIER, NOTIFY_MULTIPLIER));
        caps.add(vendorCap(CAP_ISR, ISR_OFFSET, 4, -1));
        if (device.configSize() > 0) {
            caps.add(vendorCap(CAP_DEVICE, DEVICE_OFFSET, Math.min(device.configSize(), REGION_SIZE), -1));
        }
        return caps;
    }

    /** struct virtio_pci_cap after cap_vndr and cap_next; the notify capability adds its multiplier. */
    private PciCapability vendorCap(int type, int offset, int length, int multiplier) {
        ByteBuffer b = ByteBuffer.allocate(multiplier < 0 ? 14 : 18).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) (multiplier < 0 ? 16 : 20)).put((byte) type).put((byte) modernBar).put((byte) 0).put((byte) 0)
                .put((byte) 0).putInt(offset).putInt(length);
        if (multiplier >= 0) {
            b.putInt(multiplier);
        }
        return new PciCapability(PciCapability.VENDOR_SPECIFIC, b.array());
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void reset() {
        boolean wasActive;
        synchronized (this) {
            wasActive = clearLocked();
        }
        if (wasActive) {
            device.reset();
        }
    }

    /**
     * Unplugs: resets the transport and the device and closes the device. After {@link #quiesce()} (the device was
     * handed over) nothing is reset: the device only releases its host resources, and the registers stay for the
     * instance that takes over.
     */
    @Override
    public void close() {
        boolean handedOver;
        synchronized (this) {
            handedOver = quiesced;
        }
        if (!handedOver) {
            reset();
        }
        try {
            device.close();
        } finally {
            closeKicks();
        }
    }

    /**
     * Stops the device's threads for a hand-over or a snapshot (the vCPUs are paused): the registers, the rings and
     * the chains the device holds stay as the driver last saw them, and nothing is signalled. Requests being served
     * are finished first.
     */
    @Override
    public void quiesce() {
        synchronized (this) {
            if (quiesced) {
                return;
            }
            quiesced = true;
        }
        device.quiesce();
    }

    /** The hand-over did not happen: the device serves the driver again, on the same queues. */
    @Override
    public void resume() {
        Activation a;
        synchronized (this) {
            if (!quiesced) {
                return;
            }
            quiesced = false;
            a = active;
        }
        device.resume(a);
    }

    /**
     * The {@value #STATE_TYPE} record, after {@link #quiesce()}: status, offered and negotiated features, the
     * selectors, the configuration vector and generation, the ISR, each queue's registers and, for a running
     * device, its ring indexes and the chains in flight; the device's own record is the field {@code device}.
     *
     * @throws IllegalStateException if the device is not quiesced (its threads would move the indexes meanwhile)
     */
    @Override
    public StateRecord saveState() {
        synchronized (this) {
            if (!quiesced) {
                throw new IllegalStateException(id + ": state asked for while the device runs; quiesce it first");
            }
        }
        StateRecord deviceState = device.saveState();
        synchronized (this) {
            Activation a = active;
            List<StateRecord> saved = new ArrayList<>(queues.length);
            for (int i = 0; i < queues.length; i++) {
                QueueRegisters q = queues[i];
                SplitVirtqueue ring = a == null ? null : a.rings[i];
                StateRecord.Builder b = StateRecord.builder(QUEUE_STATE_TYPE, QUEUE_STATE_VERSION).put("size", q.size)
                        .put("vector", q.vector).put("enabled", q.enabled).put("desc", q.desc)
                        .put("driver", q.driver).put("device", q.device).put("live", ring != null);
                if (ring != null) {
                    b.put("nextAvail", ring.nextAvailIndex()).put("nextUsed", ring.nextUsedIndex())
                            .put("inFlight", ring.inFlight()).put("notificationPending", ring.notificationPending());
                }
                saved.add(b.build());
            }
            return StateRecord.builder(STATE_TYPE, STATE_VERSION).put("deviceType", device.deviceType())
                    .put("status", status).put("deviceFeatureSelect", deviceFeatureSelect)
                    .put("offeredFeatures", offered).put("driverFeatureSelect", driverFeatureSelect)
                    .put("driverFeatures", driverFeatures).put("configVector", configVector)
                    .put("queueSelect", queueSelect).put("generation", generation).put("isr", isr)
                    .put("active", a != null).put("mode", mode.name()).put("driverInterface", driverInterface)
                    .put("queues", saved).put("device", deviceState).build();
        }
    }

    /**
     * Clears the registers; returns true if the device must be reset too. The caller resets it after letting go of
     * the lock, because the device's threads may be waiting for the lock to raise an interrupt.
     */
    private boolean clearLocked() {
        boolean wasActive = active != null || status != 0;
        active = null;
        status = 0;
        deviceFeatureSelect = 0;
        driverFeatureSelect = 0;
        driverFeatures = 0;
        configVector = CommonConfig.NO_VECTOR;
        queueSelect = 0;
        isr = 0;
        warnedNeedsReset = false;
        driverInterface = DRIVER_NONE;
        for (QueueRegisters q : queues) {
            q.reset();
        }
        return wasActive;
    }

    private synchronized long readCommon(int offset, int size) {
        QueueRegisters q = queueSelect < queues.length ? queues[queueSelect] : null;
        return switch (offset) {
            case CommonConfig.DEVICE_FEATURE_SELECT -> deviceFeatureSelect;
            case CommonConfig.DEVICE_FEATURE -> deviceFeatureSelect == 0 ? offered & 0xFFFF_FFFFL
                    : deviceFeatureSelect == 1 ? offered >>> 32 : 0;
            case CommonConfig.DRIVER_FEATURE_SELECT -> driverFeatureSelect;
            case CommonConfig.DRIVER_FEATURE -> driverFeatureSelect == 0 ? driverFeatures & 0xFFFF_FFFFL
                    : driverFeatureSelect == 1 ? driverFeatures >>> 32 : 0;
            case CommonConfig.CONFIG_MSIX_VECTOR -> configVector;
            case CommonConfig.NUM_QUEUES -> queues.length;
            case CommonConfig.DEVICE_STATUS -> status;
            case CommonConfig.CONFIG_GENERATION -> generation & 0xFF;
            case CommonConfig.QUEUE_SELECT -> queueSelect;
            case CommonConfig.QUEUE_SIZE -> q == null ? 0 : q.size;
            case CommonConfig.QUEUE_MSIX_VECTOR -> q == null ? CommonConfig.NO_VECTOR : q.vector;
            case CommonConfig.QUEUE_ENABLE -> q != null && q.enabled ? 1 : 0;
            case CommonConfig.QUEUE_NOTIFY_OFF -> q == null ? 0 : queueSelect;
            case CommonConfig.QUEUE_DESC -> q == null ? 0 : part(q.desc, size);
            case CommonConfig.QUEUE_DESC + 4 -> q == null ? 0 : q.desc >>> 32;
            case CommonConfig.QUEUE_DRIVER -> q == null ? 0 : part(q.driver, size);
            case CommonConfig.QUEUE_DRIVER + 4 -> q == null ? 0 : q.driver >>> 32;
            case CommonConfig.QUEUE_DEVICE -> q == null ? 0 : part(q.device, size);
            case CommonConfig.QUEUE_DEVICE + 4 -> q == null ? 0 : q.device >>> 32;
            default -> 0;
        };
    }

    private static long part(long value, int size) {
        return size == 8 ? value : value & 0xFFFF_FFFFL;
    }

    private void writeCommon(int offset, int size, long value) {
        Runnable after = null;
        synchronized (this) {
            QueueRegisters q = queueSelect < queues.length ? queues[queueSelect] : null;
            // Queue registers are frozen once the driver is running the device (4.1.4.3.2).
            boolean live = (status & CommonConfig.STATUS_DRIVER_OK) != 0;
            switch (offset) {
                case CommonConfig.DEVICE_FEATURE_SELECT -> deviceFeatureSelect = (int) value;
                case CommonConfig.DRIVER_FEATURE_SELECT -> driverFeatureSelect = (int) value;
                case CommonConfig.DRIVER_FEATURE -> {
                    if ((status & CommonConfig.STATUS_FEATURES_OK) == 0) {
                        if (driverFeatureSelect == 0) {
                            driverFeatures = (driverFeatures & 0xFFFF_FFFF_0000_0000L) | (value & 0xFFFF_FFFFL);
                        } else if (driverFeatureSelect == 1) {
                            driverFeatures = (driverFeatures & 0xFFFF_FFFFL) | (value << 32);
                        }
                    }
                }
                case CommonConfig.CONFIG_MSIX_VECTOR -> configVector = vector((int) value & 0xFFFF);
                case CommonConfig.DEVICE_STATUS -> after = writeStatus((int) value & 0xFF);
                case CommonConfig.QUEUE_SELECT -> queueSelect = (int) value & 0xFFFF;
                case CommonConfig.QUEUE_SIZE -> {
                    int s = (int) value & 0xFFFF;
                    if (q != null && !live && s > 0 && s <= q.maxSize && Integer.bitCount(s) == 1) {
                        q.size = s;
                    }
                }
                case CommonConfig.QUEUE_MSIX_VECTOR -> {
                    if (q != null) {
                        int old = q.vector;
                        q.vector = vector((int) value & 0xFFFF);
                        Activation a = active;
                        if (a != null && old != q.vector) {
                            int changed = queueSelect;
                            after = () -> a.vectorChanged(changed);
                        }
                    }
                }
                case CommonConfig.QUEUE_ENABLE -> {
                    if (q != null && !live && (value & 1) != 0) {
                        q.enabled = true;
                    }
                }
                case CommonConfig.QUEUE_DESC -> setAddress(q, live, 0, size, value, false);
                case CommonConfig.QUEUE_DESC + 4 -> setAddress(q, live, 0, size, value, true);
                case CommonConfig.QUEUE_DRIVER -> setAddress(q, live, 1, size, value, false);
                case CommonConfig.QUEUE_DRIVER + 4 -> setAddress(q, live, 1, size, value, true);
                case CommonConfig.QUEUE_DEVICE -> setAddress(q, live, 2, size, value, false);
                case CommonConfig.QUEUE_DEVICE + 4 -> setAddress(q, live, 2, size, value, true);
                default -> {
                }
            }
        }
        if (after != null) {
            after.run();
        }
    }

    /** A vector the table has, or NO_VECTOR, which is how the driver learns that its choice failed. */
    private int vector(int v) {
        return v < vectors ? v : CommonConfig.NO_VECTOR;
    }

    private static void setAddress(QueueRegisters q, boolean live, int which, int size, long value, boolean high) {
        if (q == null || live || q.enabled) {
            return;
        }
        long old = which == 0 ? q.desc : which == 1 ? q.driver : q.device;
        long updated;
        if (high) {
            updated = (old & 0xFFFF_FFFFL) | (value << 32);
        } else if (size == 8) {
            updated = value;
        } else {
            updated = (old & 0xFFFF_FFFF_0000_0000L) | (value & 0xFFFF_FFFFL);
        }
        if (which == 0) {
            q.desc = updated;
        } else if (which == 1) {
            q.driver = updated;
        } else {
            q.device = updated;
        }
    }

    /** Returns work to run after the lock is released (the device's activation), or null. */
    private Runnable writeStatus(int value) {
        if (value == 0) {
            return clearLocked() ? device::reset : null;
        }
        int added = value & ~status;
        // A legacy driver has no FEATURES_OK: its features take effect at DRIVER_OK.
        if ((added & CommonConfig.STATUS_FEATURES_OK) != 0 && driverInterface != DRIVER_LEGACY) {
            long unknown = driverFeatures & ~offered;
            if (unknown != 0 || (driverFeatures & VirtioFeatures.bit(VirtioFeatures.VERSION_1)) == 0) {
                LOG.info("{}: driver asked for features 0x{} (offered 0x{}); FEATURES_OK refused", id,
                        Long.toHexString(driverFeatures), Long.toHexString(offered));
                value &= ~CommonConfig.STATUS_FEATURES_OK;
            }
        }
        status = (status & CommonConfig.STATUS_NEEDS_RESET) | value;
        if ((added & CommonConfig.STATUS_DRIVER_OK) != 0 && active == null) {
            return activate();
        }
        return null;
    }

    private Runnable activate() {
        boolean legacy = driverInterface == DRIVER_LEGACY;
        if (!legacy && (status & CommonConfig.STATUS_FEATURES_OK) == 0) {
            needsResetLocked("DRIVER_OK without FEATURES_OK");
            return null;
        }
        if (!function.busMaster()) {
            needsResetLocked("DRIVER_OK while bus mastering is off");
            return null;
        }
        GuestMemory memory = context.memory();
        SplitVirtqueue[] rings = new SplitVirtqueue[queues.length];
        boolean eventIdx = (driverFeatures & VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX)) != 0;
        boolean indirect = (driverFeatures & VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC)) != 0;
        for (int i = 0; i < queues.length; i++) {
            QueueRegisters q = queues[i];
            if (!q.enabled) {
                continue;
            }
            try {
                rings[i] = SplitVirtqueue.create(memory,
                        new QueueConfig(q.size, q.desc, q.driver, q.device, eventIdx, indirect));
            } catch (VirtqueueException e) {
                needsResetLocked("queue " + i + ": " + e.getMessage());
                return null;
            }
        }
        Activation a = new Activation(memory, driverFeatures, rings);
        active = a;
        // Which interface a driver took is worth a line for an old guest; the modern one is the usual case.
        if (legacy) {
            LOG.info("{}: the driver started the device through the legacy virtio interface (features 0x{})", id,
                    Long.toHexString(driverFeatures));
        } else {
            LOG.debug("{}: the driver started the device through the modern virtio interface (features 0x{})", id,
                    Long.toHexString(driverFeatures));
        }
        return () -> device.activate(a);
    }

    private void needsResetLocked(String reason) {
        status |= CommonConfig.STATUS_NEEDS_RESET;
        if (!warnedNeedsReset) {
            warnedNeedsReset = true;
            LOG.warn("{}: device needs reset: {}", id, reason);
        }
        isr |= 2;
        if (configVector != CommonConfig.NO_VECTOR) {
            function.signalMsix(configVector);
        }
    }

    private int readIsr() {
        synchronized (this) {
            int v = isr;
            isr = 0;
            return v;
        }
    }

    /** Everything the device gets at DRIVER_OK; dead once the transport resets. */
    private final class Activation implements VirtioActivation {
        private final GuestMemory memory;
        private final long features;
        private final SplitVirtqueue[] rings;
        private volatile IntConsumer vectorListener;

        Activation(GuestMemory memory, long features, SplitVirtqueue[] rings) {
            this.memory = memory;
            this.features = features;
            this.rings = rings;
        }

        @Override
        public GuestMemory memory() {
            return memory;
        }

        @Override
        public long features() {
            return features;
        }

        @Override
        public SplitVirtqueue queue(int index) {
            return index >= 0 && index < rings.length ? rings[index] : null;
        }

        @Override
        public EventNotifier kicks(int index) {
            return index >= 0 && index < rings.length && rings[index] != null ? kicks[index] : null;
        }

        @Override
        public void interruptQueue(int index) {
            if (active != this || index < 0 || index >= queues.length) {
                return;
            }
            int v;
            synchronized (VirtioPciTransport.this) {
                v = queues[index].vector;
                isr |= 1;
            }
            if (v != CommonConfig.NO_VECTOR) {
                function.signalMsix(v);
            }
        }

        @Override
        public EventNotifier callNotifier(int index) {
            int v;
            synchronized (VirtioPciTransport.this) {
                if (active != this || index < 0 || index >= queues.length) {
                    return null;
                }
                v = queues[index].vector;
            }
            if (v == CommonConfig.NO_VECTOR) {
                return null;
            }
            try {
                return function.msixNotifier(v);
            } catch (DeviceException e) {
                LOG.info("{}: queue {} gets no interrupt notifier: {}", id, index, e.getMessage());
                return null;
            }
        }

        @Override
        public void onVectorChange(IntConsumer listener) {
            vectorListener = listener;
        }

        void vectorChanged(int index) {
            IntConsumer l = vectorListener;
            if (l != null && active == this) {
                l.accept(index);
            }
        }

        @Override
        public void interruptConfig() {
            int v;
            synchronized (VirtioPciTransport.this) {
                if (active != this) {
                    return;
                }
                generation++;
                isr |= 2;
                v = configVector;
            }
            if (v != CommonConfig.NO_VECTOR) {
                function.signalMsix(v);
            }
        }

        @Override
        public void needsReset(String reason) {
            synchronized (VirtioPciTransport.this) {
                if (active == this) {
                    needsResetLocked(reason);
                }
            }
        }
    }

    /**
     * Whether the driver may write through {@code driverUses} ({@link #DRIVER_MODERN} or {@link #DRIVER_LEGACY}): the
     * first write after a reset picks the interface, and writes through the other are refused until the next reset,
     * which either interface may ask for (a firmware may drive one and the OS the other, each starting with a reset).
     */
    synchronized boolean mayWrite(int driverUses, boolean reset) {
        if (reset || driverInterface == driverUses) {
            return true;
        }
        if (driverInterface == DRIVER_NONE) {
            driverInterface = driverUses;
            LOG.debug("{}: the driver uses the {} interface", id, driverUses == DRIVER_LEGACY ? "legacy" : "modern");
            return true;
        }
        guestErrors.report("interface", "a write to the " + (driverUses == DRIVER_LEGACY ? "legacy" : "modern")
                + " interface while the driver uses the other one; refused until the device is reset");
        return false;
    }

    /** Which interface the driver writes to since the last reset: {@link #DRIVER_NONE} and so on. */
    synchronized int driverInterface() {
        return driverInterface;
    }

    /** The legacy interface's host features: the low 32 bits, never VERSION_1. */
    long legacyFeatures() {
        return offered & 0xFFFF_FFFFL;
    }

    synchronized long legacyDriverFeatures() {
        return driverFeatures & 0xFFFF_FFFFL;
    }

    /** The legacy guest features: taken while the driver has not set DRIVER_OK, limited to what is offered. */
    synchronized void setLegacyDriverFeatures(long value) {
        if ((status & CommonConfig.STATUS_DRIVER_OK) != 0) {
            return;
        }
        long unknown = value & ~legacyFeatures();
        if (unknown != 0) {
            guestErrors.report("legacy features", "asked for features 0x" + Long.toHexString(unknown)
                    + " the device does not offer; left out");
        }
        driverFeatures = value & legacyFeatures();
    }

    /** The selected queue's page frame number, 0 if it has none (or no such queue is selected). */
    synchronized long queuePfn() {
        QueueRegisters q = queueSelect < queues.length ? queues[queueSelect] : null;
        return q == null || !q.enabled ? 0 : q.desc >>> LegacyHeader.PAGE_SHIFT;
    }

    /** The selected queue's size: a legacy driver cannot choose it. 0 if no such queue is selected. */
    synchronized int legacyQueueSize() {
        return queueSelect < queues.length ? queues[queueSelect].maxSize : 0;
    }

    /**
     * Places the selected queue's legacy ring at page {@code pfn}, with the size {@link #legacyQueueSize()}; 0 resets
     * the device, as QEMU does (the legacy way to stop it). A ring outside RAM, a queue that does not exist, or a
     * change while the device runs are refused and logged.
     */
    void setQueuePfn(long pfn) {
        if (pfn == 0) {
            reset();
            return;
        }
        synchronized (this) {
            if (queueSelect >= queues.length) {
                guestErrors.report("legacy queue select", "a ring address for queue " + queueSelect + "; the device"
                        + " has " + queues.length);
                return;
            }
            QueueRegisters q = queues[queueSelect];
            if ((status & CommonConfig.STATUS_DRIVER_OK) != 0) {
                guestErrors.report("legacy queue PFN", "queue " + queueSelect + " moved while the device runs");
                return;
            }
            long[] ring = LegacyHeader.ringAddresses(pfn << LegacyHeader.PAGE_SHIFT, q.maxSize);
            long end = ring[2] + 6 + 8L * q.maxSize;
            if (!context.memory().isRam(ring[0], end - ring[0])) {
                guestErrors.report("legacy queue PFN", "queue " + queueSelect + " at page 0x" + Long.toHexString(pfn)
                        + " is not in RAM");
                return;
            }
            q.size = q.maxSize;
            q.desc = ring[0];
            q.driver = ring[1];
            q.device = ring[2];
            q.enabled = true;
        }
    }

    /** A legacy queue notify: the queue index written to the notify register. */
    void legacyNotify(int queue) {
        if (queue < queues.length) {
            kicks[queue].signal();
        } else {
            guestErrors.report("legacy queue notify", "notify of queue " + queue + "; the device has "
                    + queues.length);
        }
    }

    /** A legacy queue select; one out of range is kept (the queue then reads size 0) and logged. */
    void legacySelect(int queue) {
        if (queue >= queues.length) {
            guestErrors.report("legacy queue select", "queue " + queue + " selected; the device has "
                    + queues.length);
        }
        writeCommon(CommonConfig.QUEUE_SELECT, 2, queue);
    }

    /** The registers the two interfaces share, by their modern offset. */
    long readShared(int commonOffset, int size) {
        return readCommon(commonOffset, size);
    }

    void writeShared(int commonOffset, int size, long value) {
        writeCommon(commonOffset, size, value);
    }

    int isrAndClear() {
        return readIsr();
    }

    boolean msixEnabled() {
        return function.msixEnabled();
    }

    VirtioDevice device() {
        return device;
    }

    /** The MSI-X table's BAR of a transitional or legacy function: the core serves the table, the rest reads 0. */
    private static final class EmptyBar implements BusHandler {
        @Override
        public long read(long offset, int size) {
            return 0;
        }

        @Override
        public void write(long offset, int size, long value) {
        }
    }

    /**
     * The modern structures: the four regions at fixed offsets and, for a modern-only function, the MSI-X table at
     * {@link #MSIX_OFFSET}, which the core serves.
     */
    private final class ModernBar implements BusHandler {
        @Override
        public long read(long offset, int size) {
            if (offset < COMMON_OFFSET + CommonConfig.SIZE) {
                return readCommon((int) offset, size);
            }
            if (offset >= ISR_OFFSET && offset < ISR_OFFSET + 4) {
                return offset == ISR_OFFSET ? readIsr() : 0;
            }
            if (offset >= DEVICE_OFFSET && offset < DEVICE_OFFSET + REGION_SIZE) {
                int at = (int) (offset - DEVICE_OFFSET);
                if (at + size > device.configSize()) {
                    return 0;
                }
                return device.readConfig(at, size);
            }
            return 0;
        }

        @Override
        public void write(long offset, int size, long value) {
            boolean reset = offset == CommonConfig.DEVICE_STATUS && (value & 0xFF) == 0;
            if (!mayWrite(DRIVER_MODERN, reset)) {
                return;
            }
            if (offset < COMMON_OFFSET + CommonConfig.SIZE) {
                writeCommon((int) offset, size, value);
            } else if (offset >= DEVICE_OFFSET && offset < DEVICE_OFFSET + REGION_SIZE) {
                int at = (int) (offset - DEVICE_OFFSET);
                if (at + size <= device.configSize()) {
                    device.writeConfig(at, size, value);
                }
            } else if (offset >= NOTIFY_OFFSET && offset < NOTIFY_OFFSET + (long) queues.length * NOTIFY_MULTIPLIER) {
                // The core signals bound notifiers itself; a write of another width lands here.
                kicks[(int) ((offset - NOTIFY_OFFSET) / NOTIFY_MULTIPLIER)].signal();
            }
        }
    }
}

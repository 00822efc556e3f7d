package io.modvm.virtio.balloon;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.balloon.auto.AutoBalloon;
import io.modvm.virtio.balloon.auto.AutoPolicy;
import io.modvm.virtio.balloon.auto.HostMemory;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.device.VirtioDevice;
import io.modvm.virtio.device.VirtioFeatures;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtio memory balloon (virtio 1.2, 5.5). The host sets a target ({@code num_pages}); the guest's driver
 * inflates towards it, handing pages over on the inflate queue, which this device gives back to the host, and
 * deflates when the target drops. The guest reports what it holds in {@code actual}, its memory statistics on the
 * stats queue, and, if negotiated, ranges of free memory on the reporting queue, which go back to the host too.
 *
 * <p>Threads: configuration accesses come from vCPU threads; the monitor and the automatic policy set the target
 * from theirs; each queue and the timer have their own (see {@link BalloonQueues}).
 */
public final class BalloonDevice implements VirtioDevice, Balloon {
    private static final Logger LOG = LoggerFactory.getLogger(BalloonDevice.class);
    static final int DEVICE_TYPE = 5;
    /** QEMU's class for the balloon: base class 0x00, subclass 0xff ("unclassified device"). */
    static final int PCI_CLASS = 0x00ff00;
    /** QEMU's queue size for the balloon's queues. */
    static final int QUEUE_SIZE = 128;

    private final String id;
    private final long ramSize;
    private final BalloonConfig config;
    private final BalloonListener listener;
    private final HostMemory host;
    private final Consumer<Balloon> onClose;
    private final BalloonConfigSpace space = new BalloonConfigSpace();
    private final GuestErrorLog errors;
    private final AtomicLong statsReports = new AtomicLong();
    private volatile GuestStats stats = GuestStats.NONE;

    private final Object lifecycle = new Object();
    private VirtioActivation activation;
    private BalloonQueues queues;
    /** Stopped for a hand-over: closing must then change nothing the driver or the host's listeners see. */
    private boolean quiesced;
    /** The statistics buffer's head while quiesced or restored and not yet resumed, else -1. */
    private volatile int heldStatsHead = -1;

    /**
     * @param host the host's memory, read by the automatic policy; unused when it is off
     * @param onClose runs once the device is unplugged (the factory takes it out of the registry)
     */
    public BalloonDevice(String id, long ramSize, BalloonConfig config, BalloonListener listener, HostMemory host,
            Consumer<Balloon> onClose) {
        this.id = id;
        this.ramSize = ramSize;
        this.config = config;
        this.listener = listener;
        this.host = host;
        this.onClose = onClose;
        this.errors = new GuestErrorLog("virtio-balloon " + id);
    }

    // ---- VirtioDevice ----

    @Override
    public int deviceType() {
        return DEVICE_TYPE;
    }

    @Override
    public int pciClass() {
        return PCI_CLASS;
    }

    @Override
    public int queueCount() {
        return QueueLayout.MAX_QUEUES;
    }

    @Override
    public int queueMaxSize(int index) {
        return QUEUE_SIZE;
    }

    @Override
    public long deviceFeatures() {
        long features = VirtioFeatures.bit(BalloonFeatures.STATS_VQ) | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX)
                | VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC);
        if (config.deflateOnOom()) {
            features |= VirtioFeatures.bit(BalloonFeatures.DEFLATE_ON_OOM);
        }
        if (config.freePageReporting()) {
            features |= VirtioFeatures.bit(BalloonFeatures.PAGE_REPORTING);
        }
        return features;
    }

    @Override
    public int configSize() {
        return BalloonConfigSpace.SIZE;
    }

    @Override
    public long readConfig(int offset, int size) {
        return space.read(offset, size);
    }

    @Override
    public void writeConfig(int offset, int size, long value) {
        if (space.write(offset, size, value)) {
            actualChanged();
        }
    }

    @Override
    public void activate(VirtioActivation newActivation) {
        start(newActivation, -1);
    }

    /** Starts serving {@code newActivation}, holding the statistics buffer {@code statsHead} if it is not -1. */
    private void start(VirtioActivation newActivation, int statsHead) {
        heldStatsHead = -1;
        // The transport resets before it activates again; should it not, the old queues stop before new ones start.
        stopQueues();
        AutoBalloon auto = config.auto() == null ? null
                : new AutoBalloon(this, host, config.auto(), new AutoPolicy());
        long autoSeconds = config.auto() == null ? 0 : config.auto().intervalSeconds();
        synchronized (lifecycle) {
            // Started under the lock, so that a reset racing with this sees either nothing or all of it.
            activation = newActivation;
            queues = new BalloonQueues(id, newActivation, errors, this::statsArrived);
            if (statsHead >= 0) {
                queues.holdStats(statsHead);
            }
            queues.start(config.statsPollingSeconds(), auto == null ? null : auto::tick, autoSeconds);
        }
        LOG.debug("{}: active with features 0x{}", id, Long.toHexString(newActivation.features()));
    }

    /**
     * Stops the queue threads and the timer for a hand-over, each after what it is doing; the statistics buffer
     * stays held (the driver is waiting to be asked for the next report), and nothing is signalled.
     */
    @Override
    public void quiesce() {
        synchronized (lifecycle) {
            quiesced = true;
        }
        BalloonQueues stopped = stopQueues();
        if (stopped != null) {
            heldStatsHead = stopped.heldStatsHead();
        }
    }

    /** Serves the driver again, holding the statistics buffer the quiesced or saved device held. */
    @Override
    public void resume(VirtioActivation resumed) {
        int statsHead = heldStatsHead;
        heldStatsHead = -1;
        synchronized (lifecycle) {
            quiesced = false;
        }
        if (resumed != null) {
            start(resumed, statsHead);
        }
    }

    @Override
    public StateRecord saveState() {
        return state().toRecord();
    }

    /** Takes over a saved balloon: target, actual, poison value, the latest statistics and the held buffer. */
    @Override
    public void restoreState(StateRecord saved) throws StateException {
        restoreState(BalloonState.from(saved));
    }

    /**
     * Stops the current activation's threads, outside the lock: they may need it to finish (setTargetMemory).
     * Returns the queues stopped, or null if none ran.
     */
    private BalloonQueues stopQueues() {
        BalloonQueues stopping;
        synchronized (lifecycle) {
            stopping = queues;
            queues = null;
            activation = null;
        }
        if (stopping != null) {
            stopping.stop();
        }
        return stopping;
    }

    @Override
    public void reset() {
        stopQueues();
        // A reset driver holds no pages, so the balloon is empty until the next driver inflates it again; the
        // host's target stays, so that it does.
        int before = space.actual();
        space.restore(space.numPages(), 0, 0);
        if (before != 0) {
            actualChanged();
        }
    }

    /** Unplugged; after {@link #quiesce()} (handed over) the balloon keeps its size and tells no listener. */
    @Override
    public void close() {
        boolean handedOver;
        synchronized (lifecycle) {
            handedOver = quiesced;
        }
        if (handedOver) {
            stopQueues();
        } else {
            reset();
        }
        onClose.accept(this);
    }

    /** What the device was configured with. */
    BalloonConfig config() {
        return config;
    }

    // ---- Balloon ----

    @Override
    public String id() {
        return id;
    }

    @Override
    public long ramSize() {
        return ramSize;
    }

    @Override
    public long targetMemory() {
        return ramSize - ((long) space.numPages() << PageRuns.PAGE_SHIFT);
    }

    @Override
    public void setTargetMemory(long bytes) {
        long target = Math.max(0, Math.min(bytes, ramSize));
        long pages = Math.min((ramSize - target) >> PageRuns.PAGE_SHIFT, 0xFFFF_FFFFL);
        space.setNumPages((int) pages);
        synchronized (lifecycle) {
            if (activation != null) {
                activation.interruptConfig();
            }
        }
        LOG.debug("{}: target {} bytes ({} balloon pages)", id, target, pages);
    }

    @Override
    public long actualMemory() {
        return Math.max(0, ramSize - (Integer.toUnsignedLong(space.actual()) << PageRuns.PAGE_SHIFT));
    }

    @Override
    public GuestStats stats() {
        return stats;
    }

    // ---- internals ----

    private void statsArrived(byte[] entries) {
        stats = GuestStats.parse(statsReports.incrementAndGet(), entries, entries.length);
    }

    private void actualChanged() {
        try {
            listener.actualChanged(this, actualMemory());
        } catch (RuntimeException e) {
            LOG.error("{}: balloon change listener failed", id, e);
        }
    }

    /** Asks the driver for fresh statistics now, if the stats queue is live. */
    void requestStats() {
        BalloonQueues q;
        synchronized (lifecycle) {
            q = queues;
        }
        if (q != null) {
            q.requestStats();
        }
    }

    /** The queues of the current activation, or null (tests). */
    BalloonQueues queues() {
        synchronized (lifecycle) {
            return queues;
        }
    }

    /** Whether the guest made a mistake of {@code kind} (tests). */
    boolean guestErrorSeen(String kind) {
        return errors.seen(kind);
    }

    /** The device's state, for a snapshot or a bundle update; the held statistics buffer is known once quiesced. */
    public BalloonState state() {
        return new BalloonState(space.numPages(), space.actual(), space.poisonVal(), stats, heldStatsHead);
    }

    /** Takes over a saved state; call before the driver activates the device, or before {@link #resume}. */
    public void restoreState(BalloonState state) {
        space.restore(state.numPages(), state.actual(), state.poisonVal());
        stats = state.lastStats();
        statsReports.set(state.lastStats().sequence());
        heldStatsHead = state.statsHead();
    }
}

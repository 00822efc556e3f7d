package io.modvm.virtio.blk;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.block.DiskImage;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.QueueWorker;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.device.VirtioDevice;
import io.modvm.virtio.device.VirtioFeatures;
import io.modvm.virtio.queue.SplitVirtqueue;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A virtio-blk device (virtio 1.2, 5.2) over one {@link DiskImage}: one request queue served by a {@link QueueWorker}
 * thread, so disk I/O never runs on a vCPU thread.
 */
public final class BlkDevice implements VirtioDevice {
    private static final Logger LOG = LoggerFactory.getLogger(BlkDevice.class);

    private final Drive drive;
    private final DiskImage image;
    private final Runnable onClose;
    private final BlkConfigSpace config;
    private final GuestErrorLog log;
    private final long features;
    /** Guarded by this: the live activation and its queue's worker, both null while the device is reset. */
    private VirtioActivation activation;
    private QueueWorker worker;
    private boolean closed;

    /**
     * @param drive the drive this device serves; its image belongs to the block backend, which outlives the device
     * @param onClose run once when the device is closed (the factory forgets the drive there)
     */
    public BlkDevice(Drive drive, Runnable onClose) {
        this.drive = drive;
        this.image = drive.image();
        this.onClose = onClose;
        this.config = new BlkConfigSpace(image.size() / VirtioBlk.SECTOR, image.discardGranularity());
        this.log = new GuestErrorLog("virtio-blk " + drive.deviceId());
        // No SIZE_MAX: data moves through views of guest RAM or a bounded buffer, so no segment is too large to serve.
        long f = VirtioFeatures.bit(VirtioBlk.F_SEG_MAX) | VirtioFeatures.bit(VirtioBlk.F_BLK_SIZE)
                | VirtioFeatures.bit(VirtioBlk.F_FLUSH) | VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC)
                | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX);
        if (image.readOnly()) {
            f |= VirtioFeatures.bit(VirtioBlk.F_RO);
        } else {
            f |= VirtioFeatures.bit(VirtioBlk.F_DISCARD) | VirtioFeatures.bit(VirtioBlk.F_WRITE_ZEROES);
        }
        this.features = f;
    }

    public Drive drive() {
        return drive;
    }

    @Override
    public int deviceType() {
        return VirtioBlk.DEVICE_TYPE;
    }

    @Override
    public int pciClass() {
        return VirtioBlk.PCI_CLASS;
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public int queueMaxSize(int index) {
        return VirtioBlk.QUEUE_SIZE;
    }

    @Override
    public long deviceFeatures() {
        return features;
    }

    @Override
    public int configSize() {
        return BlkConfigSpace.SIZE;
    }

    @Override
    public long readConfig(int offset, int size) {
        return config.read(offset, size);
    }

    @Override
    public void writeConfig(int offset, int size, long value) {
        log.report("driver write to read-only configuration", size + " bytes at " + offset);
    }

    @Override
    public synchronized void activate(VirtioActivation newActivation) {
        stopWorker();
        SplitVirtqueue queue = newActivation.queue(BlkQueue.INDEX);
        EventNotifier kicks = newActivation.kicks(BlkQueue.INDEX);
        activation = newActivation;
        if (queue == null || kicks == null) {
            log.report("driver started the device without its request queue", "queue 0 not enabled");
            return;
        }
        byte[] id = drive.serial().getBytes(StandardCharsets.UTF_8);
        BlkRequestExecutor executor = new BlkRequestExecutor(image, image.readOnly(), id, log);
        worker = QueueWorker.start("virtio-blk " + drive.deviceId() + " q0", kicks,
                new BlkQueue(newActivation, executor, log));
    }

    @Override
    public synchronized void reset() {
        stopWorker();
        activation = null;
    }

    private void stopWorker() {
        if (worker != null) {
            worker.stop();
            worker = null;
        }
    }

    /**
     * Stops the queue thread for a hand-over; it finishes the request it is serving (and every chain it took) first,
     * so no request is in flight afterwards. The driver sees no change.
     */
    @Override
    public synchronized void quiesce() {
        stopWorker();
    }

    /** What the driver has read from this device, for a bundle update; the transport saves the queue. */
    @Override
    public StateRecord saveState() {
        return state().toRecord();
    }

    /** Takes over from a saved device if this one shows the driver the same disk. */
    @Override
    public void restoreState(StateRecord saved) throws StateException {
        BlkState.from(saved).requireSameDisk(state());
    }

    /** The device's part of its state. */
    BlkState state() {
        return new BlkState(features, config.read(0, 8), image.readOnly(), drive.serial());
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopWorker();
        activation = null;
        onClose.run();
    }
}

package io.modvm.virtio.rng;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.QueueWorker;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.device.VirtioDevice;
import io.modvm.virtio.device.VirtioFeatures;
import io.modvm.virtio.queue.SplitVirtqueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A virtio entropy device (virtio 1.2, section 5.4): one requestq, no configuration space, no device features. The
 * queue is served by its own {@link QueueWorker}, so entropy is read on that thread and never on a vCPU. With a rate
 * limit, a timer thread (made only then) wakes the worker when the quota is full again.
 */
public final class RngDevice implements VirtioDevice {
    static final int DEVICE_TYPE = 4;
    /** PCI_CLASS_OTHERS, as QEMU's virtio-rng-pci reports. */
    static final int PCI_CLASS = 0x00ff00;
    static final int QUEUE_SIZE = 64;
    private static final Logger LOG = LoggerFactory.getLogger(RngDevice.class);

    private final String id;
    private final EntropySource source;
    private final RngConfig config;
    private final ScheduledExecutorService timer;
    private final GuestErrorLog log;
    private final Object lifecycle = new Object();
    private QueueWorker worker;

    RngDevice(String id, EntropySource source, RngConfig config) {
        this.id = id;
        this.source = source;
        this.config = config;
        this.timer = config.limited() ? newTimer(id) : null;
        this.log = new GuestErrorLog("virtio-rng " + id);
    }

    private static ScheduledExecutorService newTimer(String id) {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, id + " rate limit");
            thread.setDaemon(true);
            return thread;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

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
        return 1;
    }

    @Override
    public int queueMaxSize(int index) {
        return QUEUE_SIZE;
    }

    @Override
    public long deviceFeatures() {
        return VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC)
                | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX);
    }

    @Override
    public int configSize() {
        return 0;
    }

    @Override
    public long readConfig(int offset, int size) {
        return 0;
    }

    @Override
    public void writeConfig(int offset, int size, long value) {
    }

    @Override
    public void activate(VirtioActivation activation) {
        synchronized (lifecycle) {
            stopWorker();
            SplitVirtqueue queue = activation.queue(RngQueue.INDEX);
            if (queue == null) {
                LOG.debug("{}: driver enabled no requestq", id);
                return;
            }
            RateLimit limit = new RateLimit(config.maxBytes(), TimeUnit.MILLISECONDS.toNanos(config.periodMillis()),
                    System::nanoTime);
            EventNotifier kicks = activation.kicks(RngQueue.INDEX);
            RngQueue requests = new RngQueue(activation, source, limit, nanos -> wakeLater(kicks, nanos), log);
            // The first answered request is the guest's hw_random core taking this device as its source (Linux
            // reads a little at once when it makes an rng current): worth one line at info.
            AtomicBoolean announced = new AtomicBoolean();
            worker = QueueWorker.start(id + " requestq", kicks, () -> {
                requests.serve();
                if (queue.nextUsedIndex() != 0 && announced.compareAndSet(false, true)) {
                    LOG.info("virtio-rng {}: the driver is reading entropy from this device", id);
                }
            });
        }
    }

    /**
     * Wakes the worker through its kick notifier, which exists before the worker does; a wake that lands after a
     * reset only makes a worker look at its queue once more.
     */
    private void wakeLater(EventNotifier kicks, long nanos) {
        if (timer == null) {
            return;
        }
        try {
            timer.schedule(kicks::signal, Math.max(1, nanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            LOG.debug("{}: device closing, no refill wake", id);
        }
    }

    @Override
    public void reset() {
        synchronized (lifecycle) {
            stopWorker();
        }
    }

    /**
     * Stops the queue thread for a hand-over; a request it is filling is finished first, and requests the rate
     * limit holds back stay on the ring for the instance that takes over.
     */
    @Override
    public void quiesce() {
        reset();
    }

    /** Nothing but the queue (which the transport saves): the entropy source and the rate limit start afresh. */
    @Override
    public StateRecord saveState() {
        return new RngState().toRecord();
    }

    @Override
    public void restoreState(StateRecord state) throws StateException {
        RngState.from(state);
    }

    private void stopWorker() {
        if (worker != null) {
            worker.stop();
            worker = null;
        }
    }

    @Override
    public void close() {
        reset();
        if (timer != null) {
            timer.shutdownNow();
        }
        source.close();
    }
}

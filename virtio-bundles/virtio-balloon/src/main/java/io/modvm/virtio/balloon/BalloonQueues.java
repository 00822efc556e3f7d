package io.modvm.virtio.balloon;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.memory.GuestMemory;
import io.modvm.virtio.device.ChainHandler;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.QueueServer;
import io.modvm.virtio.device.QueueWorker;
import io.modvm.virtio.device.ResetLatch;
import io.modvm.virtio.device.VirtioActivation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The balloon at work for one activation: a worker thread per queue the driver enabled, and a timer thread that asks
 * for statistics every polling interval and runs the automatic policy. Built at DRIVER_OK, stopped at reset. The
 * queues share one {@link ResetLatch}: a ring that breaks stops them all.
 */
final class BalloonQueues {
    private static final Logger LOG = LoggerFactory.getLogger(BalloonQueues.class);

    private final String id;
    private final VirtioActivation activation;
    private final GuestErrorLog errors;
    private final ResetLatch latch;
    private final List<QueueWorker> workers = new ArrayList<>();
    private final BalloonPfnQueue inflate;
    private final BalloonPfnQueue deflate;
    private final BalloonReportingQueue reporting;
    private final BalloonStatsQueue stats;
    private ScheduledExecutorService timer;
    /** The statistics buffer to take back at start (a restored device), or -1. */
    private int heldStatsHead = -1;

    /**
     * @param statsSink receives the raw entries of each statistics report, on the stats queue's worker thread
     */
    BalloonQueues(String id, VirtioActivation activation, GuestErrorLog errors, Consumer<byte[]> statsSink) {
        this.id = id;
        this.activation = activation;
        this.errors = errors;
        this.latch = new ResetLatch(activation);
        GuestMemory memory = activation.memory();
        this.inflate = BalloonPfnQueue.inflate(memory, errors);
        this.deflate = BalloonPfnQueue.deflate(memory, errors);
        this.reporting = new BalloonReportingQueue(memory, errors);
        this.stats = new BalloonStatsQueue(memory, statsSink);
    }

    /**
     * Starts a worker for each queue the negotiated features define and the driver enabled, then the timer.
     *
     * @param pollingSeconds how often to ask for statistics; 0 for never (after the first report)
     * @param autoSeconds how often to run {@code autoTick}; ignored if {@code autoTick} is null
     */
    void start(long pollingSeconds, Runnable autoTick, long autoSeconds) {
        QueueLayout layout = QueueLayout.of(activation.features());
        serve(layout.inflate(), "inflateq", inflate);
        serve(layout.deflate(), "deflateq", deflate);
        serve(layout.reporting(), "reporting_vq", reporting);
        boolean statsLive = layout.stats() >= 0 && activation.queue(layout.stats()) != null
                && activation.kicks(layout.stats()) != null;
        if (statsLive) {
            int index = layout.stats();
            EventNotifier kicks = activation.kicks(index);
            QueueServer server = server(activation, index, "statsq", stats, latch, errors);
            stats.attach(server, kicks::signal);
            if (heldStatsHead >= 0) {
                stats.hold(server.retake(heldStatsHead));
            }
            workers.add(QueueWorker.start(threadName("statsq"), kicks, () -> {
                if (stats.run()) {
                    kicks.signal();
                }
            }));
        }
        boolean polling = statsLive && pollingSeconds > 0;
        if (polling || autoTick != null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, threadName("timer"));
                t.setDaemon(true);
                return t;
            });
        }
        if (polling) {
            timer.scheduleWithFixedDelay(stats::requestRefresh, pollingSeconds, pollingSeconds, TimeUnit.SECONDS);
        }
        if (autoTick != null) {
            Runnable tick = () -> {
                try {
                    autoTick.run();
                } catch (RuntimeException e) {
                    // A failed tick must not cancel the schedule; the next one may succeed.
                    LOG.error("{}: automatic balloon tick failed", id, e);
                }
                if (statsLive) {
                    stats.requestRefresh();
                }
            };
            timer.scheduleWithFixedDelay(tick, autoSeconds, autoSeconds, TimeUnit.SECONDS);
        }
    }

    private void serve(int index, String name, ChainHandler handler) {
        if (index < 0 || activation.queue(index) == null || activation.kicks(index) == null) {
            return;
        }
        workers.add(QueueWorker.start(threadName(name), activation.kicks(index),
                server(activation, index, name, handler, latch, errors)));
    }

    /**
     * How a balloon queue is served: at most one ring's worth of chains per call, so that a driver adding buffers as
     * fast as they are served cannot keep the worker (and a reset waiting for it) busy forever.
     */
    static QueueServer server(VirtioActivation activation, int index, String name, ChainHandler handler,
            ResetLatch latch, GuestErrorLog errors) {
        return new QueueServer(activation, index, name, handler, latch, errors)
                .limitPerCall(activation.queue(index).size());
    }

    private String threadName(String what) {
        return "virtio-balloon " + id + " " + what;
    }

    /**
     * Holds the statistics buffer {@code head} from {@link #start} on, as the device that saved the state did; call
     * before {@link #start}. Ignored if the driver did not enable the stats queue.
     */
    void holdStats(int head) {
        heldStatsHead = head;
    }

    /** The head of the statistics buffer held, or -1; valid once {@link #stop()} returned. */
    int heldStatsHead() {
        return stats.heldHead();
    }

    /** Asks the driver for fresh statistics now (the monitor or a test; the timer does it on its own). */
    void requestStats() {
        stats.requestRefresh();
    }

    /** Stops the timer and the workers; on return no thread of this activation touches guest memory. */
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
            awaitTimer();
        }
        workers.forEach(QueueWorker::stop);
    }

    private void awaitTimer() {
        boolean interrupted = false;
        while (true) {
            try {
                if (timer.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
                LOG.warn("{}: balloon timer still busy after a minute; waiting on", id);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    long pagesInflated() {
        return inflate.pages();
    }

    long pagesDeflated() {
        return deflate.pages();
    }

    long bytesReported() {
        return reporting.bytesDiscarded();
    }

    boolean holdingStats() {
        return stats.holding();
    }
}

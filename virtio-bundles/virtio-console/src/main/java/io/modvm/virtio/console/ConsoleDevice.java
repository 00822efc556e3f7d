package io.modvm.virtio.console;

import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.CharBackend;
import io.modvm.api.device.CharReceiver;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.device.ConfigBytes;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.QueueWorker;
import io.modvm.virtio.device.ResetLatch;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.device.VirtioDevice;
import io.modvm.virtio.device.VirtioFeatures;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A virtio console with one port, the console port (virtio 1.2, section 5.3) and no VIRTIO_CONSOLE_F_MULTIPORT:
 * queue 0 is the receiveq, queue 1 the transmitq. Linux makes that port {@code hvc0}. Offers
 * VIRTIO_CONSOLE_F_EMERG_WRITE always, and VIRTIO_CONSOLE_F_SIZE when a console size was configured.
 *
 * <p>Threads: configuration accesses come from vCPUs and only touch fields or buffers. Each queue is served by its
 * own {@link QueueWorker}. Host input arrives on the backend's thread through {@link CharReceiver}, waits in a
 * bounded buffer, and the receiveq's worker moves it into the guest, so a vCPU never does host I/O.
 */
public final class ConsoleDevice implements VirtioDevice, CharReceiver {
    static final int DEVICE_TYPE = 3;
    /** PCI_CLASS_COMMUNICATION_OTHER, as QEMU's virtio-serial-pci reports. */
    static final int PCI_CLASS = 0x078000;
    static final int QUEUE_SIZE = 128;
    static final int F_SIZE = 0;
    static final int F_EMERG_WRITE = 2;
    static final int CONFIG_SIZE = 12;
    static final int CONFIG_EMERG_WR = 8;
    /** Host input the device holds while the guest has no buffers posted. */
    static final int INPUT_CAPACITY = 16 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleDevice.class);

    private final String id;
    private final CharBackend backend;
    private final ConsoleConfig config;
    private final ByteRing input = new ByteRing(INPUT_CAPACITY);
    private final EmergencyOutput emergency;
    private final GuestErrorLog log;
    private final AtomicBoolean dropping = new AtomicBoolean();
    private final Object lifecycle = new Object();
    private QueueWorker receiver;
    private QueueWorker transmitter;
    /** The worker that delivers input, for the backend thread to wake; null while the driver is not running. */
    private volatile QueueWorker inputWorker;
    /** Unplugged: the backend stays attached (the API has no detach), so input must stop being taken. */
    private volatile boolean closed;
    /** Stopped for a hand-over: input waits with the backend, and what is buffered goes to the next instance. */
    private volatile boolean quiesced;

    public ConsoleDevice(String id, CharBackend backend, ConsoleConfig config) {
        this.id = id;
        this.backend = backend;
        this.config = config;
        this.emergency = new EmergencyOutput(id, backend);
        this.log = new GuestErrorLog("virtio-console " + id);
    }

    /** A console on the backend {@code config} names; {@link #attachBackend()} connects them once it is plugged. */
    static ConsoleDevice open(DeviceContext context, ConsoleConfig config) throws DeviceException {
        return new ConsoleDevice(context.deviceId(), context.backend(BackendKinds.CHARDEV, config.chardev(), CharBackend.class), config);
    }

    /** Starts taking host input from the backend; once, after the device is plugged. */
    void attachBackend() {
        backend.attach(this);
        LOG.debug("{}: virtio console on chardev {}", id, config.chardev());
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
        return 2;
    }

    @Override
    public int queueMaxSize(int index) {
        return QUEUE_SIZE;
    }

    @Override
    public long deviceFeatures() {
        long features = VirtioFeatures.bit(F_EMERG_WRITE) | VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC)
                | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX);
        return config.sizeKnown() ? features | VirtioFeatures.bit(F_SIZE) : features;
    }

    @Override
    public int configSize() {
        return CONFIG_SIZE;
    }

    /** Layout: le16 cols, le16 rows, le32 max_nr_ports (1), le32 emerg_wr (reads as 0). */
    @Override
    public long readConfig(int offset, int size) {
        byte[] space = new byte[CONFIG_SIZE];
        space[0] = (byte) config.cols();
        space[1] = (byte) (config.cols() >>> 8);
        space[2] = (byte) config.rows();
        space[3] = (byte) (config.rows() >>> 8);
        space[4] = 1;
        return ConfigBytes.read(space, offset, size);
    }

    /** Only {@code emerg_wr} is writable: its low byte is one character of output. */
    @Override
    public void writeConfig(int offset, int size, long value) {
        if (offset == CONFIG_EMERG_WR) {
            emergency.offer((byte) value);
        }
    }

    @Override
    public void activate(VirtioActivation activation) {
        synchronized (lifecycle) {
            stopWorkers();
            // A ring that breaks stops both queues: the spec asks a device that needs a reset to leave them all.
            ResetLatch latch = new ResetLatch(activation);
            if (activation.queue(ConsoleTransmitQueue.INDEX) != null) {
                ConsoleTransmitQueue queue = new ConsoleTransmitQueue(activation, backend, latch, log);
                transmitter = QueueWorker.start(id + " transmitq", activation.kicks(ConsoleTransmitQueue.INDEX),
                        queue::serve);
            }
            if (activation.queue(ConsoleReceiveQueue.INDEX) != null) {
                ConsoleReceiveQueue queue = new ConsoleReceiveQueue(activation, input, this::inputTaken, latch, log);
                receiver = QueueWorker.start(id + " receiveq", activation.kicks(ConsoleReceiveQueue.INDEX),
                        queue::serve);
                inputWorker = receiver;
                // Input that arrived after the worker's first pass but before inputWorker was set woke nobody.
                receiver.wake();
            }
        }
    }

    @Override
    public void reset() {
        synchronized (lifecycle) {
            stopWorkers();
        }
    }

    private void stopWorkers() {
        inputWorker = null;
        if (receiver != null) {
            receiver.stop();
            receiver = null;
        }
        if (transmitter != null) {
            transmitter.stop();
            transmitter = null;
        }
    }

    /**
     * Stops both queue threads for a hand-over, each after the pass it is in; from now on the backend keeps its
     * input ({@link #room()} is 0), and what is already buffered is part of {@link #saveState()}.
     */
    @Override
    public void quiesce() {
        synchronized (lifecycle) {
            quiesced = true;
            stopWorkers();
        }
    }

    @Override
    public void resume(VirtioActivation activation) {
        synchronized (lifecycle) {
            quiesced = false;
            if (activation != null) {
                activate(activation);
            }
        }
        backend.receiverReady();
    }

    /** The host input buffered for the guest. */
    @Override
    public StateRecord saveState() {
        byte[] buffered = new byte[input.size()];
        input.peek(buffered, 0, buffered.length);
        return new ConsoleState(buffered).toRecord();
    }

    /** Buffers the saved input ahead of anything new, for the receiveq to deliver once the device resumes. */
    @Override
    public void restoreState(StateRecord state) throws StateException {
        byte[] buffered = ConsoleState.from(state, INPUT_CAPACITY).input();
        input.clear();
        input.offer(buffered, 0, buffered.length);
    }

    @Override
    public void close() {
        closed = true;
        reset();
        emergency.close();
    }

    // ---- host input, on the backend's thread ----

    /**
     * Free space in the input buffer; input typed before the driver runs waits there for it (a reset keeps it, as
     * the backend keeps what it has not delivered). None once the device is unplugged, so input stays with the
     * backend.
     */
    @Override
    public int room() {
        return closed || quiesced ? 0 : input.room();
    }

    @Override
    public void receive(byte[] data, int offset, int length) {
        if (closed) {
            return;
        }
        int kept = input.offer(data, offset, length);
        if (kept < length && dropping.compareAndSet(false, true)) {
            // Backends push only as much as room() allows, so this means a backend that does not: say so once
            // per overflow rather than per byte.
            LOG.warn("{}: console input buffer full ({} bytes); {} byte(s) of host input dropped", id,
                    INPUT_CAPACITY, length - kept);
        }
        QueueWorker worker = inputWorker;
        if (worker != null) {
            worker.wake();
        }
    }

    private void inputTaken() {
        dropping.set(false);
        backend.receiverReady();
    }
}

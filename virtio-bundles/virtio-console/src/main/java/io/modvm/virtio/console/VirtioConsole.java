package io.modvm.virtio.console;

import io.modvm.api.device.CharBackend;
import io.modvm.api.device.CharReceiver;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.device.QueueWorker;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.device.VirtioDevice;
import io.modvm.virtio.device.VirtioFeatures;
import io.modvm.virtio.queue.SplitVirtqueue;
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
public final class VirtioConsole implements VirtioDevice, CharReceiver {
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
    static final String STATE_TYPE = "virtio-console";

    private static final Logger LOG = LoggerFactory.getLogger(VirtioConsole.class);

    private final String id;
    private final CharBackend backend;
    private final ConsoleConfig config;
    private final ByteRing input = new ByteRing(INPUT_CAPACITY);
    private final EmergencyOutput emergency;
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

    public VirtioConsole(String id, CharBackend backend, ConsoleConfig config) {
        this.id = id;
        this.backend = backend;
        this.config = config;
        this.emergency = new EmergencyOutput(id, backend);
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
        long value = 0;
        for (int i = 0; i < size; i++) {
            int at = offset + i;
            if (at >= 0 && at < CONFIG_SIZE) {
                value |= (space[at] & 0xFFL) << (8 * i);
            }
        }
        return value;
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
            GuestErrors errors = new GuestErrors(id, activation, queueCount());
            SplitVirtqueue tx = activation.queue(TransmitQueue.INDEX);
            if (tx != null) {
                TransmitQueue queue = new TransmitQueue(activation.memory(), tx, backend, errors);
                transmitter = QueueWorker.start(id + " transmitq", activation.kicks(TransmitQueue.INDEX),
                        queue::serve);
            }
            SplitVirtqueue rx = activation.queue(ReceiveQueue.INDEX);
            if (rx != null) {
                ReceiveQueue queue = new ReceiveQueue(activation.memory(), rx, input, this::inputTaken, errors);
                receiver = QueueWorker.start(id + " receiveq", activation.kicks(ReceiveQueue.INDEX), queue::serve);
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

    /** The host input buffered for the guest (virtio-console v1: {@code input}, oldest byte first). */
    @Override
    public StateRecord saveState() {
        byte[] buffered = new byte[input.size()];
        input.peek(buffered, 0, buffered.length);
        return StateRecord.builder(STATE_TYPE, 1).put("input", buffered).build();
    }

    /** Buffers the saved input ahead of anything new, for the receiveq to deliver once the device resumes. */
    @Override
    public void restoreState(StateRecord state) throws StateException {
        state.require(STATE_TYPE, 1, 1);
        byte[] buffered = state.getBytes("input");
        if (buffered.length > INPUT_CAPACITY) {
            throw new StateException(STATE_TYPE + ": " + buffered.length + " bytes of buffered input; this device"
                    + " holds " + INPUT_CAPACITY);
        }
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

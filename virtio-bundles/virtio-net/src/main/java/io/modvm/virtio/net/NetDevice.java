package io.modvm.virtio.net;

import io.modvm.api.net.MacAddress;
import io.modvm.api.net.NetworkBackend;
import io.modvm.api.net.Nic;
import io.modvm.api.net.SelfAnnouncement;
import io.modvm.api.net.VringOffload;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import io.modvm.virtio.device.ConfigBytes;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.QueueServer;
import io.modvm.virtio.device.QueueWorker;
import io.modvm.virtio.device.ResetLatch;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.device.VirtioDevice;
import io.modvm.virtio.device.VirtioFeatures;
import io.modvm.virtio.vring.VringHandOver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A virtio network device (virtio 1.2, section 5.1): queue pairs of a receiveq and a transmitq, then the controlq.
 * Each receiveq and each transmitq has a thread of its own ({@link NetRxQueue}, and a {@link QueueWorker} serving
 * {@link NetTxQueue}); the controlq has one more. Frames move between guest RAM and the {@link NetworkBackend}
 * without a copy in Java. A backend that offers a {@link VringOffload} (vhost-net, vhost-user) gets the data
 * queues instead, through virtio-core's {@link VringHandOver}, while the link is up; the controlq and the
 * configuration space stay here.
 *
 * <p>The device is also the machine's {@link Nic}: the monitor reads its MAC, link and receive filter, and sets its
 * link, through that interface.
 */
public final class NetDevice implements VirtioDevice, Nic, NetCtrlQueue.Commands {
    static final int CONFIG_SIZE = 12;
    private static final int CONTROL_QUEUE_SIZE = 64;
    /** Chains one transmit pass takes before the worker comes back, so that a reset never waits long for it. */
    private static final int TX_PER_CALL = 256;
    private static final Logger LOG = LoggerFactory.getLogger(NetDevice.class);

    private final String id;
    private final NetConfig config;
    private final NetworkBackend backend;
    private final int maxPairs;
    private final long offered;
    private final NetStats stats = new NetStats();
    private final GuestErrorLog log;
    private final Object lifecycle = new Object();
    private final AtomicBoolean filterEventArmed = new AtomicBoolean(true);
    private volatile Consumer<Nic> filterChanged = nic -> { };
    private volatile Runnable onClose = () -> { };
    private volatile NetFilter filter;
    private volatile boolean nicLink = true;
    private volatile boolean announce;
    private volatile VirtioActivation active;
    /**
     * Written by the controlq's commands on its thread, and otherwise only while that thread is stopped (activate,
     * reset, restore), so the commands take no lock: {@link #lifecycle} is held by whoever stops the controlq's
     * thread and waits for it, and a command waiting for that lock would never let the wait end.
     */
    private volatile long guestOffloads;
    private volatile int pairs = 1;
    private NetRxQueue[] receivers = new NetRxQueue[0];
    private final List<QueueWorker> workers = new ArrayList<>();
    private QueueWorker controlWorker;
    /** The offload serving the data queues now, or null; guarded by {@link #lifecycle}. */
    private VringHandOver handOver;
    /**
     * An offload that refused the rings in this activation: this device's threads serve them instead until the link
     * or the offload changes. Guarded by {@link #lifecycle}.
     */
    private VringOffload refused;
    /** Whether this device's own threads serve the data queues; guarded by {@link #lifecycle}. */
    private boolean dataThreads;
    private volatile String datapath = "userspace";
    private volatile boolean stopping;
    /** A saved state to continue from at the next {@link #resume}. */
    private NetState restored;

    /**
     * @param backend the network backend the NIC uses, or null for one without a {@code netdev}: its frames go
     *     nowhere and none come
     */
    NetDevice(String id, NetConfig config, NetworkBackend backend) {
        this.id = id;
        this.config = config;
        this.backend = backend;
        this.maxPairs = config.mq() && backend != null ? backend.queuePairs() : 1;
        VringOffload offload = backend == null ? null : backend.offload().orElse(null);
        this.offered = offload == null ? NetFeatures.offered(config, backend != null && backend.vnetHeader(), maxPairs)
                : NetFeatures.offered(config, backend.vnetHeader(), maxPairs, offload.features());
        this.filter = NetFilter.initial(config.mac(), false);
        this.log = new GuestErrorLog("virtio-net " + id);
        if (backend != null) {
            backend.onLinkChange(this::linkChanged);
            backend.onOffloadChange(this::offloadChanged);
        }
    }

    /** Where {@code NIC_RX_FILTER_CHANGED} goes: called when the driver changes the filter and the event is armed. */
    void onFilterChanged(Consumer<Nic> listener) {
        this.filterChanged = listener;
    }

    /** Called once the device is closed (unplugged, or handed over), to withdraw its {@link Nic} service. */
    void onClose(Runnable action) {
        this.onClose = action;
    }

    NetStats stats() {
        return stats;
    }

    // ---- VirtioDevice ----

    @Override
    public int deviceType() {
        return VirtioNet.DEVICE_TYPE;
    }

    @Override
    public int pciClass() {
        return VirtioNet.PCI_CLASS;
    }

    @Override
    public int queueCount() {
        return 2 * maxPairs + (hasControlQueue() ? 1 : 0);
    }

    private boolean hasControlQueue() {
        return (offered & NetOffloadBits.bit(VirtioNet.F_CTRL_VQ)) != 0;
    }

    private int controlQueue() {
        return 2 * maxPairs;
    }

    @Override
    public int queueMaxSize(int index) {
        return hasControlQueue() && index == controlQueue() ? CONTROL_QUEUE_SIZE : VirtioNet.QUEUE_SIZE;
    }

    @Override
    public int msixVectors() {
        return config.vectors() > 0 ? config.vectors() : queueCount() + 1;
    }

    @Override
    public long deviceFeatures() {
        return offered;
    }

    @Override
    public int configSize() {
        return CONFIG_SIZE;
    }

    /** Layout: u8 mac[6], le16 status, le16 max_virtqueue_pairs, le16 mtu. */
    @Override
    public long readConfig(int offset, int size) {
        byte[] space = new byte[CONFIG_SIZE];
        System.arraycopy(filter.mac(), 0, space, 0, 6);
        int status = (linkUp() ? VirtioNet.S_LINK_UP : 0) | (announce ? VirtioNet.S_ANNOUNCE : 0);
        space[6] = (byte) status;
        space[8] = (byte) maxPairs;
        space[9] = (byte) (maxPairs >>> 8);
        space[10] = (byte) config.mtu();
        space[11] = (byte) (config.mtu() >>> 8);
        return ConfigBytes.read(space, offset, size);
    }

    /** Read-only for a modern driver, which changes the MAC through the control queue. */
    @Override
    public void writeConfig(int offset, int size, long value) {
    }

    @Override
    public void activate(VirtioActivation activation) {
        if (!activation.hasFeature(VirtioFeatures.VERSION_1) && !activation.hasFeature(VirtioNet.F_MRG_RXBUF)) {
            // A legacy driver without mergeable buffers frames packets with the 10-byte header; this device has the
            // 12-byte one only, and a driver that reads it shifted would take garbage for frames.
            activation.needsReset("a legacy driver without VIRTIO_NET_F_MRG_RXBUF (10-byte header) is not supported");
            return;
        }
        synchronized (lifecycle) {
            stopQueues();
            NetState saved = restored;
            restored = null;
            long features = activation.features();
            guestOffloads = saved != null ? saved.guestOffloads() : features & NetOffloadBits.GUEST_OFFLOADS;
            pairs = saved != null ? saved.pairs() : 1;
            applyOffloads(guestOffloads);
            applyPairs(pairs);
            startQueues(activation, features, saved);
        }
    }

    private void startQueues(VirtioActivation activation, long features, NetState saved) {
        active = activation;
        refused = null;
        stopping = false;
        ResetLatch latch = new ResetLatch(activation);
        if (hasControlQueue() && activation.queue(controlQueue()) != null) {
            NetCtrlQueue handler = new NetCtrlQueue(activation.memory(), features, maxPairs, this, log);
            QueueServer server = new QueueServer(activation, controlQueue(), "controlq", handler, latch, log);
            controlWorker = QueueWorker.start(id + " controlq", activation.kicks(controlQueue()), server);
        }
        syncDatapath(saved);
    }

    /**
     * Puts the data queues where they belong now: with the backend's offload while it has one and the link is up
     * (and idle while the link is down, as QEMU stops vhost then), with this device's threads otherwise. Called
     * with {@link #lifecycle} held, on activation, and when the link or the offload changes.
     */
    private void syncDatapath(NetState saved) {
        VirtioActivation activation = active;
        if (activation == null) {
            return;
        }
        VringOffload offload = usableOffload(activation.features());
        if (offload != null && offload == refused) {
            offload = null;
        }
        if (offload == null) {
            stopHandOver();
            datapath = "userspace";
            if (!dataThreads) {
                startDataThreads(activation, activation.features(), saved);
            }
            return;
        }
        if (dataThreads) {
            stopDataThreads();
            restoreKicks();
            // The hand-over gives the buffers they held back to the ring, for the offload to take.
            receivers = new NetRxQueue[0];
        }
        boolean wanted = nicLink && backend.linkUp();
        if (handOver != null && (!wanted || handOver.offload() != offload)) {
            stopHandOver();
        }
        if (!wanted) {
            datapath = offload.name() + " (idle while the link is down)";
        }
        if (wanted && handOver == null) {
            try {
                handOver = VringHandOver.start(activation, dataQueues(), offload, pairs, config.mtu());
                datapath = offload.name();
                LOG.info("{}: {} serves the data queues", id, offload.name());
            } catch (IOException | RuntimeException e) {
                // Rather than leave the queues unserved, this device's threads take them until the offload changes.
                log.reportHost(offload.name(), "the offload did not start: " + e.getMessage()
                        + "; this device's threads move the frames");
                refused = offload;
                syncDatapath(saved);
            }
        }
    }

    /** The backend's offload, if it can serve what the driver negotiated. */
    private VringOffload usableOffload(long features) {
        VringOffload offload = backend == null ? null : backend.offload().orElse(null);
        if (offload == null) {
            return null;
        }
        long missing = features & NetFeatures.DATAPATH & ~offload.features();
        if (missing != 0) {
            log.reportHost(offload.name(), "it cannot serve features 0x" + Long.toHexString(missing)
                    + " the driver took; this device's threads move the frames");
            return null;
        }
        return offload;
    }

    private int[] dataQueues() {
        int[] q = new int[2 * maxPairs];
        for (int i = 0; i < q.length; i++) {
            q[i] = i;
        }
        return q;
    }

    private void stopHandOver() {
        if (handOver != null) {
            handOver.stop();
            handOver = null;
            datapath = "userspace";
        }
    }

    private void startDataThreads(VirtioActivation activation, long features, NetState saved) {
        dataThreads = true;
        ResetLatch latch = new ResetLatch(activation);
        boolean vnetHeader = backend != null && backend.vnetHeader();
        int frameLimit = VirtioNet.HEADER_SIZE + (NetOffloadBits.largeFrames(features) ? VirtioNet.MAX_GSO_FRAME
                : config.plainFrameLimit());
        receivers = new NetRxQueue[maxPairs];
        for (int p = 0; p < maxPairs; p++) {
            int rx = VirtioNet.rxQueue(p);
            int tx = VirtioNet.txQueue(p);
            if (activation.queue(rx) != null) {
                NetRxQueue r = new NetRxQueue("receiveq" + p, activation, rx, backend == null ? null : backend.queue(p),
                        vnetHeader, frameLimit, () -> filter, this::linkUp, stats, latch, log);
                if (saved != null) {
                    r.retake(saved.heldBuffers().get(p));
                }
                receivers[p] = r;
                r.start(id + " receiveq" + p);
            }
            if (activation.queue(tx) != null) {
                NetTxQueue handler = new NetTxQueue("transmitq" + p, activation.memory(),
                        backend == null ? null : backend.queue(p), vnetHeader, features, config.plainFrameLimit(),
                        activation.kicks(tx),
                        this::linkUp, () -> stopping, stats, log);
                QueueServer server = new QueueServer(activation, tx, "transmitq" + p, handler, latch, log)
                        .suppressKicksWhileDraining().limitPerCall(TX_PER_CALL);
                workers.add(QueueWorker.start(id + " transmitq" + p, activation.kicks(tx), server));
            }
        }
    }

    /** Stops the data queues' threads; receivers keep the buffers they hold, for {@link #saveState()}. */
    private void stopDataThreads() {
        dataThreads = false;
        stopping = true;
        for (QueueWorker w : workers) {
            w.stop();
        }
        workers.clear();
        for (NetRxQueue r : receivers) {
            if (r != null) {
                r.stop();
            }
        }
        stopping = false;
    }

    /**
     * Stops every queue thread and the offload, whose rings go back to the activation where it left them; receivers
     * keep the buffers they hold, for {@link #saveState()}.
     */
    private void stopQueues() {
        stopping = true;
        if (controlWorker != null) {
            controlWorker.stop();
            controlWorker = null;
        }
        stopHandOver();
        stopDataThreads();
        stopping = true;
    }

    @Override
    public void reset() {
        synchronized (lifecycle) {
            stopQueues();
            receivers = new NetRxQueue[0];
            active = null;
            restored = null;
            filter = NetFilter.initial(config.mac(), false);
            announce = false;
            pairs = 1;
            guestOffloads = 0;
        }
    }

    /** Stops the queue threads for a hand-over; the receive buffers they hold stay held. */
    @Override
    public void quiesce() {
        synchronized (lifecycle) {
            stopQueues();
            restoreKicks();
        }
    }

    private void restoreKicks() {
        for (NetRxQueue r : receivers) {
            if (r != null) {
                r.restoreKicks();
            }
        }
    }

    /**
     * Serves the driver again: in the instance that took over, from the restored state; in the same instance after
     * an abandoned hand-over, from its own, so the receive buffers held before go on being held either way.
     */
    @Override
    public void resume(VirtioActivation activation) {
        synchronized (lifecycle) {
            if (activation == null) {
                return;
            }
            if (restored == null && receivers.length > 0) {
                restored = new NetState(filter, guestOffloads, pairs, nicLink, announce, heldHeads(receivers));
            }
            activate(activation);
        }
    }

    private List<int[]> heldHeads(NetRxQueue[] queues) {
        List<int[]> heads = new ArrayList<>();
        for (int p = 0; p < maxPairs; p++) {
            heads.add(p < queues.length && queues[p] != null ? queues[p].heldHeads() : new int[0]);
        }
        return heads;
    }

    @Override
    public StateRecord saveState() {
        synchronized (lifecycle) {
            return new NetState(filter, guestOffloads, pairs, nicLink, announce, heldHeads(receivers)).toRecord();
        }
    }

    @Override
    public void restoreState(StateRecord state) throws StateException {
        NetState s = NetState.from(state, maxPairs, VirtioNet.QUEUE_SIZE);
        synchronized (lifecycle) {
            restored = s;
            filter = s.filter();
            nicLink = s.linkUp();
            announce = s.announce();
            pairs = s.pairs();
            guestOffloads = s.guestOffloads();
        }
    }

    /**
     * Unplugged or handed over: the queue threads stop (after {@link #quiesce()} they are stopped already, and
     * nothing the driver sees changes) and the NIC leaves the registry. The backend is not closed: the machine
     * holds it, for the instance that takes over or until it is removed.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            stopQueues();
        }
        if (backend != null) {
            backend.onLinkChange(null);
            backend.onOffloadChange(null);
        }
        onClose.run();
    }

    // ---- the control queue's commands, on its thread ----

    @Override
    public NetFilter filter() {
        return filter;
    }

    @Override
    public void setFilter(NetFilter next) {
        filter = next;
        if (filterEventArmed.compareAndSet(true, false)) {
            filterChanged.accept(this);
        }
    }

    @Override
    public void announceAcked() {
        announce = false;
        LOG.debug("{}: the guest announced itself", id);
    }

    @Override
    public boolean setQueuePairs(int n) {
        if (!applyPairs(n)) {
            return false;
        }
        pairs = n;
        return true;
    }

    @Override
    public boolean setGuestOffloads(long offloads) {
        if (!applyOffloads(offloads)) {
            return false;
        }
        guestOffloads = offloads;
        return true;
    }

    private boolean applyOffloads(long offloads) {
        if (backend == null || !backend.vnetHeader()) {
            return true;
        }
        try {
            backend.setOffloads(NetOffloadBits.toBackend(offloads));
            return true;
        } catch (IOException e) {
            log.reportHost("offloads", e.getMessage());
            return false;
        }
    }

    private boolean applyPairs(int n) {
        if (backend == null) {
            return true;
        }
        try {
            backend.activeQueuePairs(n);
            return true;
        } catch (IOException e) {
            log.reportHost("queue pairs", e.getMessage());
            return false;
        }
    }

    // ---- the link ----

    private void linkChanged() {
        synchronized (lifecycle) {
            refused = null;
            syncDatapath(null);
        }
        VirtioActivation a = active;
        if (a != null && a.hasFeature(VirtioNet.F_STATUS)) {
            a.interruptConfig();
        }
        for (NetRxQueue r : receivers) {
            if (r != null) {
                r.wake();
            }
        }
    }

    /** The backend's offload came or went: the data queues move to wherever they belong now. */
    private void offloadChanged() {
        synchronized (lifecycle) {
            refused = null;
            syncDatapath(null);
        }
    }

    // ---- Nic ----

    @Override
    public String id() {
        return id;
    }

    @Override
    public String model() {
        return NetConfig.TYPE;
    }

    @Override
    public String mac() {
        return MacAddress.format(filter.mac());
    }

    @Override
    public String netdev() {
        return config.netdev();
    }

    @Override
    public String backendInfo() {
        return backend == null ? "" : backend.describe() + ",datapath=" + datapath;
    }

    @Override
    public boolean linkUp() {
        return nicLink && (backend == null || backend.linkUp());
    }

    @Override
    public void setLink(boolean up) {
        if (nicLink == up) {
            return;
        }
        nicLink = up;
        LOG.info("{}: link {}", id, up ? "up" : "down");
        linkChanged();
    }

    /**
     * Sends the RARP through the backend and, if the driver negotiated GUEST_ANNOUNCE (with the control queue its ack
     * comes on), sets VIRTIO_NET_S_ANNOUNCE and interrupts, so that the guest announces its own addresses
     * (gratuitous ARP, unsolicited neighbour advertisements): the switches then learn its IP addresses too.
     */
    @Override
    public void announce() {
        if (backend != null && linkUp()) {
            try {
                backend.announce(SelfAnnouncement.frame(filter.mac()));
            } catch (IOException e) {
                log.reportHost("announce", e.getMessage());
            }
        }
        VirtioActivation a = active;
        if (a != null && a.hasFeature(VirtioNet.F_GUEST_ANNOUNCE) && a.hasFeature(VirtioNet.F_CTRL_VQ) && !announce) {
            announce = true;
            a.interruptConfig();
        }
    }

    @Override
    public Map<String, Object> rxFilter() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", id);
        m.putAll(filter.describe());
        filterEventArmed.set(true);
        return m;
    }

    /** What the NIC moved and dropped, for the monitor. */
    public Map<String, Object> counters() {
        return stats.describe();
    }
}

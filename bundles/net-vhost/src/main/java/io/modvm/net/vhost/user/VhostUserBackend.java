package io.modvm.net.vhost.user;

import io.modvm.api.net.NetworkBackend;
import io.modvm.api.net.NetworkQueue;
import io.modvm.api.net.Vring;
import io.modvm.api.net.VringOffload;
import io.modvm.api.net.VringSetup;
import io.modvm.api.net.VringWriteLog;
import io.modvm.net.vhost.rings.VhostLog;
import io.modvm.net.vhost.rings.VhostRings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code -netdev vhost-user}: a NIC's rings served by another process, the vhost-user back-end, over a unix socket
 * modvm connects to. The back-end is the whole datapath, so the backend is its own {@link VringOffload}.
 *
 * <p>A watcher thread waits for the back-end to hang up: then the link goes down (the NIC takes its rings back and
 * tells the guest), the guest goes on, and the watcher tries to connect again every {@code reconnect} seconds; once
 * the back-end is back on the same path the link comes up and the NIC hands the rings over again from where they
 * stopped.
 *
 * <p>While a migration runs, a back-end that offers VHOST_F_LOG_ALL and the LOG_SHMFD protocol feature logs the
 * pages it writes into a memfd modvm shares with it (SET_LOG_BASE), as QEMU's vhost does; the log stays on across a
 * reconnection, the new back-end being given it when the rings start again.
 */
final class VhostUserBackend implements NetworkBackend, VringOffload {
    private static final Logger LOG = LoggerFactory.getLogger(VhostUserBackend.class);
    private static final IntUnaryOperator SAME = q -> q;
    private static final int WATCH_MILLIS = 500;

    private final String owner;
    private final String chardev;
    private final Path path;
    private final int queuePairs;
    private final long reconnectMillis;
    private final long features;
    /** Whether the back-end first connected to offered to log its writes. */
    private final boolean logs;
    private final NetworkQueue dropping;
    private final Thread watcher;
    private volatile VhostUserClient client;
    private volatile Runnable linkListener;
    private volatile boolean closed;
    /** Guarded by this: the rings the back-end serves now, or null. */
    private VringSetup running;
    /** Swapped under this; the watcher reads it without the lock. */
    private volatile RingErrors errors = RingErrors.none();
    private int activePairs = 1;
    /** Guarded by this: the features acknowledged for the running rings, without VHOST_F_LOG_ALL. */
    private long acknowledged;
    /** Guarded by this: where the back-end logs its writes while a migration runs, or null. */
    private VhostLog log;

    VhostUserBackend(String owner, String chardev, VhostUserClient first, int queuePairs, int reconnectSeconds) {
        this.owner = owner;
        this.chardev = chardev;
        this.path = first.socket().path();
        this.queuePairs = queuePairs;
        this.reconnectMillis = 1000L * Math.max(1, reconnectSeconds);
        this.features = first.offeredFeatures();
        this.logs = canLog(first);
        this.client = first;
        this.dropping = new DroppingQueue(owner);
        this.watcher = new Thread(this::watch, owner + " vhost-user watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    // ---- NetworkBackend ----

    @Override
    public int queuePairs() {
        return queuePairs;
    }

    @Override
    public NetworkQueue queue(int index) {
        return dropping;
    }

    /** The back-end's frames carry the virtio-net header: they are the guest's own buffers. */
    @Override
    public boolean vnetHeader() {
        return true;
    }

    /** The guest's receive offloads are the back-end's business; vhost-user has no message for them. */
    @Override
    public void setOffloads(int offloads) {
    }

    /** Enables the rings of the first {@code pairs} queue pairs and disables the others (SET_VRING_ENABLE). */
    @Override
    public synchronized void activeQueuePairs(int pairs) throws IOException {
        activePairs = pairs;
        VhostUserClient c = client;
        if (running != null && c != null) {
            enableRings(c, running);
        }
    }

    @Override
    public boolean linkUp() {
        return client != null;
    }

    @Override
    public void onLinkChange(Runnable listener) {
        this.linkListener = listener;
    }

    @Override
    public Optional<VringOffload> offload() {
        return Optional.of(this);
    }

    @Override
    public String datapath() {
        return "vhost-user";
    }

    /**
     * The back-end moves the frames, so it sends the announcement (SEND_RARP with the frame's source address), if it
     * offered to (the RARP protocol feature, which DPDK's vhost library has).
     */
    @Override
    public boolean announce(byte[] frame) throws IOException {
        VhostUserClient c = client;
        if (c == null || closed || !c.hasProtocol(VhostUserRequest.PROTOCOL_RARP)) {
            return false;
        }
        ByteBuffer mac = ByteBuffer.allocate(8);
        mac.put(0, frame, 6, 6);
        c.send(VhostUserRequest.SEND_RARP, mac, new int[0], false);
        return true;
    }

    @Override
    public String describe() {
        return "chardev=" + chardev + ",path=" + path + ",connected=" + (client != null ? "yes" : "no");
    }

    // ---- VringOffload ----

    @Override
    public String name() {
        return "vhost-user";
    }

    @Override
    public long features() {
        return features;
    }

    @Override
    public synchronized void start(VringSetup setup) throws IOException {
        VhostUserClient c = client;
        if (c == null) {
            throw new IOException("the vhost-user back-end at '" + path + "' is not connected");
        }
        long offered = c.offeredFeatures();
        long missing = setup.features() & features & ~offered;
        if (missing != 0) {
            throw new IOException("the vhost-user back-end at '" + path + "' no longer offers features 0x"
                    + Long.toHexString(missing) + " the guest uses");
        }
        long acknowledged = VhostRings.acknowledged(setup.features(), offered,
                offered & VhostUserRequest.F_PROTOCOL_FEATURES);
        try {
            if (log != null && !canLog(c)) {
                throw new IOException("the vhost-user back-end at '" + path + "' no longer logs its writes"
                        + " (VHOST_F_LOG_ALL and LOG_SHMFD), which the migration under way needs");
            }
            this.acknowledged = acknowledged;
            VhostRings.start(c, acknowledged, setup, setup.rings(), SAME, log);
            if (setup.mtu() > 0 && c.hasProtocol(VhostUserRequest.PROTOCOL_NET_MTU)) {
                c.setMtu(setup.mtu());
            }
            RingErrors old = errors;
            errors = new RingErrors(setup.rings().stream().mapToInt(Vring::index).toArray());
            old.close();
            for (int i = 0; i < errors.count(); i++) {
                c.setVringErr(errors.ring(i), errors.fd(i));
            }
            activePairs = setup.queuePairs();
            running = setup;
            enableRings(c, setup);
        } catch (IOException | RuntimeException e) {
            // The back-end may already serve the rings it was given (a ring without protocol features is live at
            // its kick): take them back, so that only the device's own threads, which serve them after a refused
            // start, touch them.
            running = setup;
            stop();
            throw e;
        }
        LOG.info("{}: the vhost-user back-end at '{}' serves {} ring(s)", owner, path, setup.rings().size());
    }

    private static boolean canLog(VhostUserClient c) {
        return (c.offeredFeatures() & VhostRings.F_LOG_ALL) != 0 && c.hasProtocol(VhostUserRequest.PROTOCOL_LOG_SHMFD);
    }

    @Override
    public boolean logsWrites() {
        return logs;
    }

    /**
     * Shares a new log with the back-end; if the rings run, turns their logging on now (SET_LOG_BASE, SET_FEATURES
     * with VHOST_F_LOG_ALL, SET_VRING_ADDR with VHOST_VRING_F_LOG), else {@link #start} does when they start.
     */
    @Override
    public synchronized VringWriteLog startWriteLog(long guestEnd) throws IOException {
        if (!logs) {
            return VringOffload.super.startWriteLog(guestEnd);
        }
        if (log != null) {
            throw new IOException(owner + ": the vhost-user back-end at '" + path + "' logs for a migration already");
        }
        VhostLog l = VhostLog.create(owner, guestEnd);
        VhostUserClient c = client;
        if (running != null && c != null) {
            try {
                VhostRings.log(c, acknowledged, running, running.rings(), SAME, l);
            } catch (IOException | RuntimeException e) {
                turnLogOff(c);
                l.close();
                throw e;
            }
        }
        log = l;
        LOG.info("{}: the vhost-user back-end at '{}' logs its writes to guest RAM", owner, path);
        return l.asWriteLog(this::stopLogging);
    }

    private synchronized void stopLogging() {
        log = null;
        VhostUserClient c = client;
        if (c != null) {
            turnLogOff(c);
        }
    }

    /** SET_FEATURES and SET_VRING_ADDR without logging, for rings that run. */
    private void turnLogOff(VhostUserClient c) {
        if (running == null) {
            return;
        }
        try {
            VhostRings.log(c, acknowledged, running, running.rings(), SAME, null);
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: {}", owner, e.getMessage());
        }
    }

    private void enableRings(VhostUserClient c, VringSetup setup) throws IOException {
        if (!c.protocolFeaturesNegotiated()) {
            return;
        }
        for (Vring r : setup.rings()) {
            c.setVringEnable(r.index(), r.index() / 2 < activePairs);
        }
    }

    @Override
    public synchronized void callChanged(int ring, int callFd) throws IOException {
        VhostUserClient c = client;
        if (running != null && c != null) {
            c.setVringCall(ring, callFd);
        }
    }

    /** Disables the rings, then asks where each stopped (GET_VRING_BASE), as QEMU's vhost_net_stop does. */
    @Override
    public synchronized int[] stop() {
        VringSetup setup = running;
        running = null;
        if (setup == null) {
            return new int[0];
        }
        VhostUserClient c = client;
        if (c == null) {
            return setup.rings().stream().mapToInt(r -> -1).toArray();
        }
        if (c.protocolFeaturesNegotiated()) {
            for (Vring r : setup.rings()) {
                try {
                    c.setVringEnable(r.index(), false);
                } catch (IOException e) {
                    LOG.debug("{}: {}", owner, e.getMessage());
                }
            }
        }
        return VhostRings.stop(c, setup.rings(), SAME);
    }

    // ---- the connection ----

    private void watch() {
        while (!closed) {
            VhostUserClient c = client;
            if (c != null) {
                RingErrors.Seen seen = errors.await(c.socket().fd(), WATCH_MILLIS);
                for (int ring : seen.failedRings()) {
                    LOG.warn("{}: the vhost-user back-end reports an error on ring {}", owner, ring);
                }
                if (seen.hangUp() && !closed) {
                    lost(c);
                }
            } else {
                sleep(reconnectMillis);
                reconnect();
            }
        }
    }

    private void lost(VhostUserClient c) {
        synchronized (this) {
            if (client != c) {
                return;
            }
            client = null;
            c.close();
        }
        LOG.warn("{}: the vhost-user back-end at '{}' disconnected; the link is down until it is back", owner, path);
        fireLinkChange();
    }

    private void reconnect() {
        if (closed) {
            return;
        }
        VhostUserClient c;
        try {
            c = VhostUserClient.connect(path);
        } catch (IOException e) {
            LOG.debug("{}: {}", owner, e.getMessage());
            return;
        }
        synchronized (this) {
            if (closed) {
                c.close();
                return;
            }
            client = c;
        }
        LOG.info("{}: the vhost-user back-end at '{}' is back; the link is up", owner, path);
        fireLinkChange();
    }

    private void fireLinkChange() {
        Runnable l = linkListener;
        if (l != null) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.warn("{}: the NIC failed to follow the link: {}", owner, e.toString());
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        stop();
        watcher.interrupt();
        try {
            watcher.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            VhostUserClient c = client;
            client = null;
            if (c != null) {
                c.close();
            }
            errors.close();
        }
    }
}

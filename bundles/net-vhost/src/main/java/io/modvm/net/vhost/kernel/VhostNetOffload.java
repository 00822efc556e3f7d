package io.modvm.net.vhost.kernel;

import io.modvm.api.net.Vring;
import io.modvm.net.vhost.VhostNet;
import io.modvm.api.net.VringSetup;
import io.modvm.api.net.VringWriteLog;
import io.modvm.net.vhost.rings.VhostLog;
import io.modvm.net.vhost.rings.VhostRings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tap's queues served by the kernel's vhost-net: one instance per queue pair, whose ring 0 is the pair's receiveq
 * and ring 1 its transmitq, each bound to the pair's tap descriptor (VHOST_NET_SET_BACKEND). The checksum and
 * segmentation offloads are the tap's, through its virtio-net header; vhost-net moves the header as it is.
 *
 * <p>While a migration runs, every instance logs the pages it writes into one log in this process
 * (VHOST_SET_LOG_BASE, VHOST_F_LOG_ALL, VHOST_VRING_F_LOG with the used ring's guest address), as QEMU does.
 */
final class VhostNetOffload implements VhostNet {
    private static final Logger LOG = LoggerFactory.getLogger(VhostNetOffload.class);
    /** VIRTIO_NET_F_CSUM to HOST_ECN (bits 0-2, 7-9, 11-13): what a tap with the header carries. */
    static final long TAP_OFFLOADS = 0b11_1011_1000_0111L;
    private static final IntUnaryOperator PAIR_RING = q -> q % 2;

    private final String owner;
    private final List<KernelVhost> pairs;
    private final List<Integer> tapFds;
    private final long kernelFeatures;
    private final boolean vnetHeader;
    private VringSetup running;
    /** The features acknowledged for the running rings, without VHOST_F_LOG_ALL. */
    private long acknowledged;
    /** Where the instances log their writes while a migration runs, or null. */
    private VhostLog log;

    VhostNetOffload(String owner, List<KernelVhost> pairs, List<Integer> tapFds, long kernelFeatures,
            boolean vnetHeader) {
        this.owner = owner;
        this.pairs = List.copyOf(pairs);
        this.tapFds = List.copyOf(tapFds);
        this.kernelFeatures = kernelFeatures;
        this.vnetHeader = vnetHeader;
    }

    @Override
    public String name() {
        return "vhost-net";
    }

    @Override
    public long features() {
        return kernelFeatures | (vnetHeader ? TAP_OFFLOADS : 0);
    }

    @Override
    public synchronized void start(VringSetup setup) throws IOException {
        long acknowledged = VhostRings.acknowledged(setup.features(), kernelFeatures, 0);
        this.acknowledged = acknowledged;
        List<Integer> started = new ArrayList<>();
        try {
            for (int p = 0; p < pairs.size(); p++) {
                List<Vring> rings = ringsOf(setup, p);
                if (rings.isEmpty()) {
                    continue;
                }
                KernelVhost vhost = pairs.get(p);
                started.add(p);
                VhostRings.start(vhost, acknowledged, setup, rings, PAIR_RING, log);
                for (Vring r : rings) {
                    vhost.setBackend(PAIR_RING.applyAsInt(r.index()), tapFds.get(p));
                }
            }
        } catch (IOException | RuntimeException e) {
            running = setup;
            stop();
            throw e;
        }
        running = setup;
        LOG.info("{}: vhost-net serves {} ring(s)", owner, setup.rings().size());
    }

    private static List<Vring> ringsOf(VringSetup setup, int pair) {
        List<Vring> rings = new ArrayList<>();
        for (Vring r : setup.rings()) {
            if (r.index() / 2 == pair) {
                rings.add(r);
            }
        }
        return rings;
    }

    /** vhost-net has logged its writes since Linux 2.6.33: whether this kernel offers VHOST_F_LOG_ALL. */
    @Override
    public boolean logsWrites() {
        return (kernelFeatures & VhostRings.F_LOG_ALL) != 0;
    }

    /** One log for all instances; running rings start logging now, others when they start. */
    @Override
    public synchronized VringWriteLog startWriteLog(long guestEnd) throws IOException {
        if (!logsWrites()) {
            return VhostNet.super.startWriteLog(guestEnd);
        }
        if (log != null) {
            throw new IOException(owner + ": vhost-net logs for a migration already");
        }
        VhostLog l = VhostLog.create(owner, guestEnd);
        try {
            switchLog(l);
        } catch (IOException | RuntimeException e) {
            quietlySwitchLog(null);
            l.close();
            throw e;
        }
        log = l;
        LOG.info("{}: vhost-net logs its writes to guest RAM", owner);
        return l.asWriteLog(this::stopLogging);
    }

    private synchronized void stopLogging() {
        log = null;
        quietlySwitchLog(null);
    }

    /** Turns each running instance's logging on into {@code l}, or off with null. */
    private void switchLog(VhostLog l) throws IOException {
        if (running == null) {
            return;
        }
        for (int p = 0; p < pairs.size(); p++) {
            List<Vring> rings = ringsOf(running, p);
            if (!rings.isEmpty()) {
                VhostRings.log(pairs.get(p), acknowledged, running, rings, PAIR_RING, l);
            }
        }
    }

    private void quietlySwitchLog(VhostLog l) {
        try {
            switchLog(l);
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: {}", owner, e.getMessage());
        }
    }

    @Override
    public synchronized void callChanged(int ring, int callFd) throws IOException {
        if (running != null && ring / 2 < pairs.size()) {
            pairs.get(ring / 2).setVringCall(PAIR_RING.applyAsInt(ring), callFd);
        }
    }

    /** Detaches each ring from the tap, then asks where it stopped, as QEMU's vhost_net_stop does. */
    @Override
    public synchronized int[] stop() {
        VringSetup setup = running;
        running = null;
        if (setup == null) {
            return new int[0];
        }
        int[] bases = new int[setup.rings().size()];
        int k = 0;
        for (int p = 0; p < pairs.size(); p++) {
            List<Vring> rings = ringsOf(setup, p);
            KernelVhost vhost = pairs.get(p);
            for (Vring r : rings) {
                try {
                    vhost.setBackend(PAIR_RING.applyAsInt(r.index()), -1);
                } catch (IOException e) {
                    LOG.debug("{}", e.getMessage());
                }
            }
            for (int base : VhostRings.stop(vhost, rings, PAIR_RING)) {
                bases[k++] = base;
            }
        }
        return bases;
    }

    @Override
    public void close() {
        stop();
        pairs.forEach(KernelVhost::close);
    }
}

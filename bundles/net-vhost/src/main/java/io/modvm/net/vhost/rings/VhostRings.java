package io.modvm.net.vhost.rings;

import io.modvm.api.net.Vring;
import io.modvm.api.net.VringSetup;
import java.io.IOException;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * The one sequence that starts and stops rings on a vhost backend, as QEMU's {@code vhost_dev_start} and
 * {@code vhost_virtqueue_stop} send it: the features and the memory table, then for each ring its size, base,
 * addresses, kick and call; and on the way back each ring's base. vhost-net and vhost-user both go through here.
 */
public final class VhostRings {
    /** VHOST_F_LOG_ALL: the backend logs every write to guest RAM. */
    public static final long F_LOG_ALL = 1L << 26;

    private VhostRings() {
    }

    /** The features to acknowledge: what the driver took that the backend offers, plus {@code extra}. */
    public static long acknowledged(long negotiated, long offered, long extra) {
        return (negotiated & offered) | extra;
    }

    /**
     * Programs {@code rings} of {@code setup} on {@code device}, each under the backend's index {@code vringIndex}
     * gives for its device queue index; with a {@code log}, logging its writes there from the first frame.
     *
     * @throws IOException naming the ring and the request the backend refused
     */
    public static void start(VhostDevice device, long features, VringSetup setup, List<Vring> rings,
            IntUnaryOperator vringIndex, VhostLog log) throws IOException {
        if (log != null) {
            device.setLogBase(log);
        }
        device.setFeatures(log != null ? features | F_LOG_ALL : features);
        device.setMemTable(setup.memory());
        for (Vring r : rings) {
            int i = vringIndex.applyAsInt(r.index());
            device.setVringNum(i, r.size());
            device.setVringBase(i, r.nextAvail());
            setAddress(device, setup, r, i, log != null);
            device.setVringKick(i, r.kickFd());
            device.setVringCall(i, r.callFd());
        }
    }

    /**
     * Turns logging on (into {@code log}) or off (null) for rings that run, as QEMU's {@code vhost_dev_set_log}
     * does: the log's base first, then the features with or without VHOST_F_LOG_ALL, then each ring's addresses
     * with or without VHOST_VRING_F_LOG.
     */
    public static void log(VhostDevice device, long features, VringSetup setup, List<Vring> rings,
            IntUnaryOperator vringIndex, VhostLog log) throws IOException {
        if (log != null) {
            device.setLogBase(log);
        }
        device.setFeatures(log != null ? features | F_LOG_ALL : features);
        for (Vring r : rings) {
            setAddress(device, setup, r, vringIndex.applyAsInt(r.index()), log != null);
        }
    }

    private static void setAddress(VhostDevice device, VringSetup setup, Vring r, int index, boolean log)
            throws IOException {
        device.setVringAddr(index, setup.hostAddress(r.descAddress(), 16L * r.size()),
                setup.hostAddress(r.usedAddress(), 6 + 8L * r.size()),
                setup.hostAddress(r.availAddress(), 6 + 2L * r.size()), log ? r.usedAddress() : -1);
    }

    /**
     * Stops {@code rings} on {@code device} and returns where each stopped, -1 for one the backend did not answer
     * for (it is gone).
     */
    public static int[] stop(VhostDevice device, List<Vring> rings, IntUnaryOperator vringIndex) {
        int[] bases = new int[rings.size()];
        for (int k = 0; k < rings.size(); k++) {
            try {
                bases[k] = device.vringBase(vringIndex.applyAsInt(rings.get(k).index()));
            } catch (IOException e) {
                bases[k] = -1;
            }
        }
        return bases;
    }
}

package io.modvm.net.tap;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.modvm.api.net.NetworkBackend;
import io.modvm.api.net.NetworkQueue;
import io.modvm.api.net.VringOffload;
import io.modvm.net.vhost.VhostNet;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open tap ({@code -netdev tap}): one non-blocking queue per queue pair (several with {@code IFF_MULTI_QUEUE}),
 * frames with the virtio-net header when {@code vnet_hdr} is on. Closing it runs the down script, then closes the
 * queues.
 */
final class TapBackend implements NetworkBackend {
    private static final Logger LOG = LoggerFactory.getLogger(TapBackend.class);

    private final String ifname;
    private final List<TapQueue> queues;
    private final boolean vnetHeader;
    private final String description;
    private final Runnable onClose;
    /** The kernel's vhost-net for these queues (vhost=on), or null for the userspace datapath. */
    private volatile VhostNet vhost;
    private volatile Runnable offloadListener;
    /** Which queues the kernel steers frames into; all, as opened. */
    private final boolean[] attached;
    /** Guarded by this: once set, the descriptors may name other files, so nothing may write to them. */
    private boolean closed;

    /**
     * @param description what {@code info network} says of it ({@code ifname=tap0,script=no,downscript=no})
     * @param onClose the down script, run before the queues close
     * @param vhost the kernel's vhost-net for the queues, or null
     */
    TapBackend(String ifname, List<TapQueue> queues, boolean vnetHeader, String description, Runnable onClose,
            VhostNet vhost) {
        this.ifname = ifname;
        this.queues = List.copyOf(queues);
        this.vnetHeader = vnetHeader;
        this.description = description;
        this.onClose = onClose;
        this.vhost = vhost;
        this.attached = new boolean[queues.size()];
        Arrays.fill(attached, true);
    }

    String ifname() {
        return ifname;
    }

    @Override
    public int queuePairs() {
        return queues.size();
    }

    @Override
    public NetworkQueue queue(int index) {
        return queues.get(index);
    }

    @Override
    public boolean vnetHeader() {
        return vnetHeader;
    }

    @Override
    public void setOffloads(int offloads) throws IOException {
        if (!vnetHeader) {
            return;
        }
        for (TapQueue q : queues) {
            try {
                TunLib.ioctl(q.fd(), TunLib.TUNSETOFFLOAD, offloads);
            } catch (LastErrorException e) {
                throw new IOException(ifname + ": TUNSETOFFLOAD " + Integer.toHexString(offloads) + " refused: "
                        + Errno.describe(e.getErrorCode()), e);
            }
        }
    }

    /**
     * Attaches the first {@code pairs} queues and detaches the others (TUNSETQUEUE), so that the kernel steers
     * frames only into queues the guest reads. A queue's state is kept, because attaching an attached queue (or
     * detaching a detached one) is an error to the kernel.
     */
    @Override
    public synchronized void activeQueuePairs(int pairs) throws IOException {
        if (queues.size() == 1) {
            return;
        }
        for (int i = 0; i < queues.size(); i++) {
            boolean want = i < pairs;
            if (attached[i] == want) {
                continue;
            }
            try (Memory ifr = new Memory(TunLib.IFREQ_SIZE)) {
                ifr.clear();
                ifr.setShort(TunLib.IFNAMSIZ, want ? TunLib.IFF_ATTACH_QUEUE : TunLib.IFF_DETACH_QUEUE);
                TunLib.ioctl(queues.get(i).fd(), TunLib.TUNSETQUEUE, ifr);
                attached[i] = want;
            } catch (LastErrorException e) {
                throw new IOException(ifname + ": TUNSETQUEUE for queue " + i + " refused: "
                        + Errno.describe(e.getErrorCode()), e);
            }
        }
    }

    /**
     * Writes the announcement into the first queue, beside the NIC's frames: one write is one frame to the tap
     * driver, whoever else writes to the queue (the NIC's transmit thread or vhost-net).
     */
    @Override
    public synchronized boolean announce(byte[] frame) throws IOException {
        if (closed) {
            return false;
        }
        byte[] out = frame;
        if (vnetHeader) {
            out = new byte[VNET_HEADER_SIZE + frame.length];
            System.arraycopy(frame, 0, out, VNET_HEADER_SIZE, frame.length);
        }
        try {
            TunLib.write(queues.get(0).fd(), out, out.length);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == TunLib.EAGAIN) {
                return false;
            }
            throw new IOException(ifname + ": announcing failed: " + Errno.describe(e.getErrorCode()), e);
        }
    }

    @Override
    public String datapath() {
        return vhost != null ? vhost.name() : "userspace";
    }

    @Override
    public Optional<VringOffload> offload() {
        return Optional.ofNullable(vhost);
    }

    @Override
    public void onOffloadChange(Runnable listener) {
        this.offloadListener = listener;
    }

    /** The descriptors of the tap's queues, for vhost-net. */
    List<Integer> fds() {
        return queues.stream().map(TapQueue::fd).toList();
    }

    /**
     * vhost-net goes away (its bundle stopped): the NIC takes the rings back before this returns, then the
     * vhost-net instances close and the userspace datapath moves the frames.
     */
    void dropOffload() {
        VhostNet v = vhost;
        if (v == null) {
            return;
        }
        vhost = null;
        Runnable l = offloadListener;
        if (l != null) {
            l.run();
        }
        v.close();
        LOG.warn("{}: vhost-net went away; the userspace datapath moves this tap's frames", ifname);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        VhostNet v = vhost;
        vhost = null;
        if (v != null) {
            v.close();
        }
        try {
            onClose.run();
        } finally {
            for (TapQueue q : queues) {
                try {
                    TunLib.close(q.fd());
                } catch (LastErrorException e) {
                    LOG.debug("{}: closing a queue failed: {}", ifname, Errno.describe(e.getErrorCode()));
                }
            }
        }
    }
}

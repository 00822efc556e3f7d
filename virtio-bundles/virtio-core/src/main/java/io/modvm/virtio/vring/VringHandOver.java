package io.modvm.virtio.vring;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.memory.GuestMemoryException;
import io.modvm.api.memory.RamMapping;
import io.modvm.api.net.Vring;
import io.modvm.api.net.VringOffload;
import io.modvm.api.net.VringSetup;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.queue.QueueConfig;
import io.modvm.virtio.queue.SplitVirtqueue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Some queues of one activation, served by a {@link VringOffload} instead of the device's threads. {@link #start}
 * gathers the setup and starts the offload; {@link #stop()} stops it and sets the activation's rings to where it
 * left them, so that the device's threads, or another offload, continue without losing or repeating a chain the
 * offload returned.
 *
 * <p>The device's threads must not touch the queues in between: the rings in the activation are the device's record
 * of where each queue is, and the offload moves them on in guest RAM meanwhile.
 */
public final class VringHandOver {
    private static final Logger LOG = LoggerFactory.getLogger(VringHandOver.class);
    /** Offset of {@code idx} in the used ring. */
    private static final int USED_IDX = 2;

    private final VirtioActivation activation;
    private final VringOffload offload;
    private final int[] queues;
    private boolean stopped;

    private VringHandOver(VirtioActivation activation, VringOffload offload, int[] queues) {
        this.activation = activation;
        this.offload = offload;
        this.queues = queues;
    }

    /**
     * Hands the enabled ones of {@code queues} to {@code offload}. Chains the device took and still holds (a
     * receiveq's buffers waiting for frames) are given back to the available ring first, so the offload takes them
     * again in the same order; that is right only for a device that returns its chains in the order it took them,
     * as a NIC does.
     *
     * @param queuePairs the queue pairs the driver uses now, for the setup
     * @param mtu the MTU the device offers, or 0
     * @throws IOException if guest RAM cannot be shared (no descriptor behind it), a queue has no kick eventfd, or
     *     the offload refused; the rings are then where the device left them, less the chains it held
     */
    public static VringHandOver start(VirtioActivation activation, int[] queues, VringOffload offload, int queuePairs,
            int mtu) throws IOException {
        List<RamMapping> memory = activation.memory().mappings();
        if (memory.isEmpty()) {
            throw new IOException("guest RAM has no descriptor another process could map");
        }
        List<Vring> rings = new ArrayList<>();
        List<Integer> taken = new ArrayList<>();
        for (int q : queues) {
            SplitVirtqueue ring = activation.queue(q);
            EventNotifier kick = activation.kicks(q);
            if (ring == null || kick == null) {
                continue;
            }
            if (kick.fd() < 0) {
                throw new IOException("queue " + q + ": its notifications come through no eventfd");
            }
            int base = rewind(ring);
            EventNotifier call = activation.callNotifier(q);
            QueueConfig c = ring.config();
            rings.add(new Vring(q, ring.size(), c.descTable(), c.availRing(), c.usedRing(), base, kick.fd(),
                    call == null ? -1 : call.fd()));
            taken.add(q);
        }
        VringHandOver handOver = new VringHandOver(activation, offload,
                taken.stream().mapToInt(Integer::intValue).toArray());
        offload.start(new VringSetup(activation.features(), memory, rings, queuePairs, mtu));
        activation.onVectorChange(handOver::vectorChanged);
        return handOver;
    }

    /**
     * Gives the chains the device holds back to the available ring: its next index becomes the used index, so the
     * next reader of the ring takes them again. Returns that index.
     */
    static int rewind(SplitVirtqueue ring) {
        int used = ring.nextUsedIndex();
        ring.restore(used, used, 0, ring.notificationPending());
        return used;
    }

    /** The offload serving the queues. */
    public VringOffload offload() {
        return offload;
    }

    /** The queues the offload serves, in the order of the setup's rings. */
    public int[] queues() {
        return queues.clone();
    }

    /**
     * Stops the offload and sets each ring to continue where it stopped: at the available index the offload
     * reports, or, if it could not say (its peer went away) or it holds chains it did not return, at the used index
     * in guest RAM, so those chains are taken again. Safe to call more than once.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        activation.onVectorChange(null);
        int[] bases = offload.stop();
        for (int i = 0; i < queues.length; i++) {
            SplitVirtqueue ring = activation.queue(queues[i]);
            int used = usedIndex(ring);
            int base = i < bases.length ? bases[i] : -1;
            if (base != used) {
                LOG.debug("queue {}: the offload stopped at avail {}, used {}; continuing from {}", queues[i], base,
                        used, used);
            }
            // Whatever the offload took and did not return is taken again from the used index on.
            ring.restore(used, used, 0, true);
        }
    }

    private int usedIndex(SplitVirtqueue ring) {
        try {
            return Short.toUnsignedInt(activation.memory().readShort(ring.config().usedRing() + USED_IDX));
        } catch (GuestMemoryException e) {
            return ring.nextUsedIndex();
        }
    }

    private synchronized void vectorChanged(int queue) {
        if (stopped) {
            return;
        }
        for (int q : queues) {
            if (q == queue) {
                EventNotifier call = activation.callNotifier(queue);
                try {
                    offload.callChanged(queue, call == null ? -1 : call.fd());
                } catch (IOException e) {
                    LOG.warn("queue {}: the offload did not take the new interrupt: {}", queue, e.getMessage());
                }
            }
        }
    }
}

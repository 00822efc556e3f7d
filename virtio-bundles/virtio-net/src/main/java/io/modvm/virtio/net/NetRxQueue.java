package io.modvm.virtio.net;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.memory.GuestMemory;
import io.modvm.api.net.NetworkQueue;
import io.modvm.virtio.device.ChainHandler;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.device.QueueServer;
import io.modvm.virtio.device.ResetLatch;
import io.modvm.virtio.device.VirtioActivation;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.SplitVirtqueue;
import io.modvm.virtio.queue.VirtqueueException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A receiveq, on a thread of its own: it waits for the guest's kick (new buffers) and for the backend (a frame) at
 * once, and reads each frame straight from the backend into the guest's buffers, which it took from the ring before
 * the frame came ({@link ChainHandler#KEPT}) and holds until a frame fills them. With mergeable receive buffers
 * (VIRTIO_NET_F_MRG_RXBUF) it holds enough for the largest frame and a frame spreads over as many buffers as it
 * needs; otherwise each frame takes one buffer. A frame longer than the buffers is dropped and counted. The guest's
 * receive filter is applied after the read, from the frame's first bytes in guest RAM; a frame it turns away leaves
 * its buffers held for the next.
 *
 * <p>Frames are returned in bursts, with one interrupt per burst (if the driver wants one at all).
 *
 * <p>Per frame the backend gets only the buffers a plain frame needs ({@link #DIRECT_ROOM}) and one spill buffer for
 * the rest: with mergeable buffers the device holds enough for a 64 KiB frame, 33 buffers of Linux's 2 KiB, and
 * describing all of them to the backend for every frame cost more than the frame itself. The rare longer frame is
 * copied from the spill buffer into the next held buffers. And the driver is asked not to kick while the device
 * holds buffers (it reads the ring before each frame anyway), as QEMU's virtio-net does: each kick is a VM exit.
 */
final class NetRxQueue implements ChainHandler {
    private static final Logger LOG = LoggerFactory.getLogger(NetRxQueue.class);
    /** Frames returned before the driver hears of them, at most. */
    private static final int BURST = 64;
    /** A wait for a kick or a frame is bounded only so that a lost wake-up cannot last. */
    private static final long IDLE_WAIT_MILLIS = 1000;
    /** Ethernet destination, source, and a VLAN tag: what the receive filter reads. */
    private static final int FILTER_BYTES = 16;
    /** The header and a frame of a 1500-byte MTU with a VLAN tag: what is read straight into the guest's buffers. */
    static final int DIRECT_ROOM = VirtioNet.HEADER_SIZE + 1500 + 18;

    private final String name;
    private final GuestMemory memory;
    private final EventNotifier kicks;
    private final NetworkQueue backend;
    private final boolean vnetHeader;
    private final boolean mergeable;
    /** What one frame and its header may take: the device holds this much with mergeable buffers. */
    private final int frameLimit;
    private final Supplier<NetFilter> filter;
    private final BooleanSupplier linkUp;
    private final NetStats stats;
    private final GuestErrorLog log;
    private final QueueServer server;
    private final SplitVirtqueue queue;
    private final ResetLatch latch;
    private final ArrayDeque<RxBuffer> held = new ArrayDeque<>();
    private long heldCapacity;
    private final byte[] head = new byte[FILTER_BYTES];
    private final byte[] header = new byte[VirtioNet.HEADER_SIZE];
    private final List<RxBuffer> used = new ArrayList<>();
    private final List<DescriptorChain> usedChains = new ArrayList<>();
    private long[] usedLengths = new long[8];
    /** For frames the guest's RAM cannot give views for, and for frames dropped with the link down. */
    private byte[] bounce;
    private ByteBuffer discard;
    /** Takes the part of a frame beyond the first buffers; see the class comment. */
    private ByteBuffer spill;
    /** Whether the driver was last asked to kick (null: not asked yet, e.g. after a hand-over). */
    private Boolean kicksOn;
    private Thread thread;
    private volatile boolean running;

    /**
     * @param backend the backend's queue, or null for a NIC without one
     * @param frameLimit the longest frame the guest can take, header included
     */
    NetRxQueue(String name, VirtioActivation activation, int index, NetworkQueue backend, boolean vnetHeader,
            int frameLimit, Supplier<NetFilter> filter, BooleanSupplier linkUp, NetStats stats, ResetLatch latch,
            GuestErrorLog log) {
        this.name = name;
        this.memory = activation.memory();
        this.kicks = activation.kicks(index);
        this.backend = backend;
        this.vnetHeader = vnetHeader;
        this.mergeable = activation.hasFeature(VirtioNet.F_MRG_RXBUF);
        this.frameLimit = frameLimit;
        this.filter = filter;
        this.linkUp = linkUp;
        this.stats = stats;
        this.log = log;
        this.server = new QueueServer(activation, index, name, this, latch, log);
        this.queue = activation.queue(index);
        this.latch = latch;
    }

    /** Holds again the buffers an earlier instance held (a hand-over); before {@link #start}. */
    void retake(int[] heads) {
        for (int h : heads) {
            DescriptorChain chain = server.retake(h);
            if (chain != null) {
                hold(chain);
            }
        }
    }

    /** The heads of the buffers held, for a hand-over; after {@link #stop}. */
    int[] heldHeads() {
        return held.stream().mapToInt(b -> b.chain.head()).toArray();
    }

    void start(String threadName) {
        running = true;
        thread = new Thread(this::loop, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops the thread after the frame it is moving; the buffers stay held. Safe to call more than once. */
    void stop() {
        running = false;
        Thread t = thread;
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        kicks.signal();
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        thread = null;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Makes the thread look at the link and the ring again (the link changed). */
    void wake() {
        kicks.signal();
    }

    private void loop() {
        try {
            int burst = 0;
            while (running) {
                if (server.stopped() || backend == null) {
                    kicks.await(IDLE_WAIT_MILLIS);
                    continue;
                }
                if (!linkUp.getAsBoolean()) {
                    dropWhileDown();
                    continue;
                }
                boolean moved;
                try {
                    moved = pass();
                } catch (RuntimeException e) {
                    // A bug here must not end receive unseen: the device asks the driver for a reset, as a failing
                    // handler of the other queues does, and this thread waits for it.
                    LOG.error("{}: receive failed", name, e);
                    latch.trip(name + ": receive failed: " + e);
                    continue;
                }
                if (moved && ++burst < BURST) {
                    continue;
                }
                server.flush();
                burst = 0;
                if (!moved) {
                    if (held.isEmpty()) {
                        kicks.await(IDLE_WAIT_MILLIS);
                    } else {
                        backend.awaitReceivable(kicks, IDLE_WAIT_MILLIS);
                    }
                }
            }
            server.flush();
        } catch (RuntimeException e) {
            LOG.error("{}: receive thread failed", name, e);
        }
    }

    /**
     * Takes buffers while more are needed, then moves one frame if one waits. Returns whether a frame came
     * (delivered, filtered out or dropped). The thread's loop calls it; tests call it instead of starting the thread,
     * and {@link #flush()} after.
     */
    boolean pass() {
        if (server.stopped()) {
            // The ring cannot be trusted any more: not even the buffers already held are written.
            return false;
        }
        if (ready()) {
            takeBuffers();
        }
        return !held.isEmpty() && receiveOne() > 0;
    }

    /**
     * Takes the buffers the driver made available. Kicks are wanted only when the device holds no buffer at all: that
     * is when the thread sleeps until the driver adds one. Holding some, it looks at the ring before each frame
     * anyway (with mergeable buffers it takes more while it holds less than the largest frame needs), so it asks the
     * driver not to kick. Turning kicks on looks at the ring once more: a buffer added before the driver saw the
     * request came without a kick. Under VIRTIO_F_EVENT_IDX asking not to kick writes nothing (avail_event stays
     * behind, so the driver kicks at most once more) and turning kicks on moves avail_event to the next entry; a pop
     * that finds the ring empty does the same, with the same second look.
     */
    private void takeBuffers() {
        server.serve();
        try {
            while (held.isEmpty() && !server.stopped()) {
                if (Boolean.TRUE.equals(kicksOn)) {
                    return;
                }
                kicksOn = true;
                if (!queue.enableNotifications()) {
                    return;
                }
                server.serve();
            }
            if (!Boolean.FALSE.equals(kicksOn) && !server.stopped()) {
                queue.disableNotifications();
                kicksOn = false;
            }
        } catch (VirtqueueException e) {
            latch.trip(name + ": " + e.getMessage());
        }
    }

    /**
     * After {@link #stop}, while the ring is still the driver's: asks for kicks again if this queue had asked the
     * driver not to kick. Whatever serves the ring next (a vhost datapath, which keeps its own idea of the ring's
     * flags, or another instance of this bundle, older ones included) then starts from the ring's default state
     * instead of one it does not know it must undo; under VIRTIO_F_EVENT_IDX nothing was suppressed.
     */
    void restoreKicks() {
        if (Boolean.FALSE.equals(kicksOn) && !server.stopped()) {
            try {
                queue.enableNotifications();
            } catch (VirtqueueException e) {
                latch.trip(name + ": " + e.getMessage());
            }
        }
        kicksOn = null;
    }

    /** Interrupts the driver for the frames returned since it last heard, if it wants that. */
    void flush() {
        server.flush();
    }

    /** With the link down the guest hears nothing: frames are read and dropped, as on a cable pulled out. */
    private void dropWhileDown() {
        if (discard == null) {
            discard = ByteBuffer.allocateDirect(VirtioNet.HEADER_SIZE + VirtioNet.MAX_GSO_FRAME);
        }
        try {
            int n;
            while (running && !linkUp.getAsBoolean() && (n = backend.receive(new ByteBuffer[] {discard.clear()}))
                    != 0) {
                stats.rxDropped.increment();
            }
        } catch (IOException e) {
            log.reportHost(name + " receive", e.getMessage());
        }
        if (running && !linkUp.getAsBoolean()) {
            backend.awaitReceivable(kicks, IDLE_WAIT_MILLIS);
        }
    }

    /** Takes more buffers while the held ones cannot take the largest frame. */
    @Override
    public boolean ready() {
        return mergeable ? heldCapacity < frameLimit : held.isEmpty();
    }

    /** A buffer too small for the header is returned unused; the rest are held for frames. */
    @Override
    public long serve(DescriptorChain chain) {
        if (chain.writableLength() < VirtioNet.HEADER_SIZE) {
            log.report(name + " buffer", "receive buffer of " + chain.writableLength() + " writable bytes, less "
                    + "than the " + VirtioNet.HEADER_SIZE + "-byte header; returned unused");
            return 0;
        }
        hold(chain);
        return KEPT;
    }

    private void hold(DescriptorChain chain) {
        RxBuffer b = RxBuffer.of(memory, chain, frameLimit);
        held.add(b);
        heldCapacity += b.capacity;
    }

    /**
     * Reads one frame into the held buffers and returns them to the driver. Returns 1 if a frame came (delivered,
     * filtered out or dropped), 0 if none was waiting.
     */
    private int receiveOne() {
        used.clear();
        Iterator<RxBuffer> next = held.iterator();
        long direct = 0;
        boolean views = true;
        while (next.hasNext() && (used.isEmpty() || mergeable && direct < Math.min(DIRECT_ROOM, frameLimit))) {
            RxBuffer b = next.next();
            used.add(b);
            direct += b.capacity;
            views &= b.hasViews();
        }
        long room = mergeable ? Math.min(heldCapacity, frameLimit) : direct;
        int skip = vnetHeader ? 0 : VirtioNet.HEADER_SIZE;
        int n;
        try {
            if (views) {
                n = backend.receive(viewsOf(used, skip, (int) Math.max(0, room - direct)));
            } else {
                takeUpTo(next, room);
                n = receiveCopied(room - skip, skip);
            }
        } catch (IOException e) {
            log.reportHost(name + " receive", e.getMessage());
            stats.rxDropped.increment();
            return 1;
        }
        if (n == 0) {
            return 0;
        }
        if (n < 0) {
            stats.rxDropped.increment();
            LOG.debug("{}: frame of {} bytes dropped: the guest's buffers hold {}", name, -n, room - skip);
            return 1;
        }
        long offered = (views ? Math.max(room, direct) : room) - skip;
        if (n > offered) {
            // A backend bug, not the guest's: the frame's length cannot be trusted.
            log.reportHost(name + " receive", "the backend read " + n + " bytes into " + offered);
            stats.rxDropped.increment();
            return 1;
        }
        if (views && n + skip > direct) {
            unspill(next, (int) (n + skip - direct));
        }
        int total = n + skip;
        if (total < VirtioNet.HEADER_SIZE + VirtioNet.ETH_HEADER) {
            stats.rxDropped.increment();
            return 1;
        }
        readAcross(VirtioNet.HEADER_SIZE, head, Math.min(FILTER_BYTES, total - VirtioNet.HEADER_SIZE));
        if (total - VirtioNet.HEADER_SIZE < FILTER_BYTES) {
            Arrays.fill(head, total - VirtioNet.HEADER_SIZE, FILTER_BYTES, (byte) 0);
        }
        if (!filter.get().accepts(head)) {
            stats.rxFiltered.increment();
            return 1;
        }
        deliver(total);
        stats.rxPackets.increment();
        stats.rxBytes.add(total - VirtioNet.HEADER_SIZE);
        return 1;
    }

    /**
     * Copies {@code length} bytes of the frame from {@code offset} (header included) out of the buffers it landed
     * in: a small first buffer may hold only part of the Ethernet header.
     */
    private void readAcross(int offset, byte[] into, int length) {
        int skip = offset;
        int done = 0;
        for (RxBuffer b : used) {
            if (done == length) {
                return;
            }
            if (skip >= b.capacity) {
                skip -= b.capacity;
                continue;
            }
            int n = Math.min(length - done, b.capacity - skip);
            byte[] part = done == 0 && n == length ? into : new byte[n];
            b.read(memory, skip, part, n);
            if (part != into) {
                System.arraycopy(part, 0, into, done, n);
            }
            done += n;
            skip = 0;
        }
    }

    /** Writes the header's last fields and returns the buffers the frame filled. */
    private void deliver(int total) {
        int buffers = 0;
        int left = total;
        usedChains.clear();
        for (RxBuffer b : used) {
            if (left == 0) {
                break;
            }
            int take = Math.min(left, b.capacity);
            if (buffers == usedLengths.length) {
                usedLengths = Arrays.copyOf(usedLengths, buffers * 2);
            }
            usedLengths[buffers++] = take;
            usedChains.add(b.chain);
            left -= take;
        }
        RxBuffer first = used.get(0);
        if (vnetHeader) {
            // The backend wrote flags, gso and checksum fields; num_buffers is the device's to say.
            header[0] = (byte) buffers;
            header[1] = (byte) (buffers >>> 8);
            first.write(memory, 10, header, 0, 2);
        } else {
            Arrays.fill(header, (byte) 0);
            header[10] = (byte) buffers;
            header[11] = (byte) (buffers >>> 8);
            first.write(memory, 0, header, 0, VirtioNet.HEADER_SIZE);
        }
        for (int i = 0; i < buffers; i++) {
            heldCapacity -= held.removeFirst().capacity;
        }
        server.completeBatch(usedChains, usedLengths);
    }

    /** Views of the buffers (of the first from {@code skip} on), and {@code spillBytes} of the spill buffer if any. */
    private ByteBuffer[] viewsOf(List<RxBuffer> buffers, int skip, int spillBytes) {
        int count = spillBytes > 0 ? 1 : 0;
        for (int i = 0; i < buffers.size(); i++) {
            count += buffers.get(i).viewCount(i == 0 ? skip : 0);
        }
        ByteBuffer[] out = new ByteBuffer[count];
        int at = 0;
        for (int i = 0; i < buffers.size(); i++) {
            at = buffers.get(i).addViews(out, at, i == 0 ? skip : 0);
        }
        if (spillBytes > 0) {
            if (spill == null) {
                spill = ByteBuffer.allocateDirect(frameLimit);
            }
            out[at] = spill.clear().limit(spillBytes);
        }
        return out;
    }

    /**
     * Moves the {@code bytes} of the frame that went to the spill buffer into the held buffers after those already
     * used, adding them to {@link #used}. They take it: the spill buffer was offered only what they hold.
     */
    private void unspill(Iterator<RxBuffer> next, int bytes) {
        ByteBuffer rest = spill.clear().limit(bytes);
        while (rest.hasRemaining()) {
            RxBuffer b = next.next();
            used.add(b);
            b.write(memory, rest);
        }
    }

    /** Adds held buffers to {@link #used} until they hold {@code room} bytes. */
    private void takeUpTo(Iterator<RxBuffer> next, long room) {
        long have = 0;
        for (RxBuffer b : used) {
            have += b.capacity;
        }
        while (have < room && next.hasNext()) {
            RxBuffer b = next.next();
            used.add(b);
            have += b.capacity;
        }
    }

    /** Receives into a bounce buffer and copies the frame into the held buffers, from {@code skip} on. */
    private int receiveCopied(long room, int skip) throws IOException {
        if (bounce == null) {
            bounce = new byte[frameLimit];
        }
        int offered = (int) Math.min(room, frameLimit);
        int n = backend.receive(new ByteBuffer[] {ByteBuffer.wrap(bounce, 0, offered)});
        if (n <= 0 || n > offered) {
            return n;
        }
        int done = 0;
        int at = skip;
        for (RxBuffer b : used) {
            int take = Math.min(n - done, b.capacity - at);
            b.write(memory, at, bounce, done, take);
            done += take;
            at = 0;
            if (done == n) {
                break;
            }
        }
        return n;
    }
}

package io.modvm.virtio.net;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.memory.GuestMemory;
import io.modvm.api.net.NetworkQueue;
import io.modvm.virtio.device.ChainHandler;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.queue.ChainReader;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.VirtqueueException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * A transmitq's handler: each chain is a virtio-net header and one frame. The header is copied and checked (a
 * driver could change it after the check, and the host must see what was checked); the frame goes to the backend
 * as views of guest RAM, so it is not copied in Java. A frame that cannot be sent (a bad header, the link down, the
 * host refusing it) is dropped and counted, and its chain goes back to the driver all the same, as a NIC's would.
 */
final class NetTxQueue implements ChainHandler {
    /** How long a wait for the backend to take frames again lasts before the stop flag is looked at. */
    private static final long WRITABLE_WAIT_MILLIS = 100;

    private final GuestMemory memory;
    private final NetworkQueue backend;
    private final boolean vnetHeader;
    private final long features;
    private final EventNotifier kicks;
    private final BooleanSupplier linkUp;
    private final BooleanSupplier stopping;
    private final NetStats stats;
    private final GuestErrorLog log;
    private final String name;
    private final int plainFrameLimit;
    private final byte[] headerBytes = new byte[VirtioNet.HEADER_SIZE];
    /** The checked header as the backend gets it: direct, so a tap's writev takes it like the frame's views. */
    private final ByteBuffer header = ByteBuffer.allocateDirect(VirtioNet.HEADER_SIZE);
    /**
     * The header and a frame in one piece of guest RAM (the usual case), reused from frame to frame: the backend is
     * done with a frame's buffers when send returns, and the view is cleared then, as it must not outlive its chain.
     */
    private final ByteBuffer[] headerAndView = {header, null};
    private ByteBuffer copied;

    /**
     * @param backend the backend's queue, or null for a NIC without one: frames then go nowhere
     * @param kicks the queue's kick notifier, which also wakes a wait for the backend when the device stops
     * @param stopping true once the device is stopping: a frame waiting for the backend is then dropped
     * @param plainFrameLimit the longest frame without segmentation ({@link NetConfig#plainFrameLimit()})
     */
    NetTxQueue(String name, GuestMemory memory, NetworkQueue backend, boolean vnetHeader, long features,
            int plainFrameLimit, EventNotifier kicks, BooleanSupplier linkUp, BooleanSupplier stopping, NetStats stats,
            GuestErrorLog log) {
        this.name = name;
        this.memory = memory;
        this.backend = backend;
        this.vnetHeader = vnetHeader;
        this.features = features;
        this.plainFrameLimit = plainFrameLimit;
        this.kicks = kicks;
        this.linkUp = linkUp;
        this.stopping = stopping;
        this.stats = stats;
        this.log = log;
    }

    @Override
    public long serve(DescriptorChain chain) throws VirtqueueException {
        ChainReader reader = new ChainReader(memory, chain);
        if (reader.remaining() < VirtioNet.HEADER_SIZE) {
            drop(name + " header", "chain of " + reader.remaining() + " readable bytes, no room for the "
                    + VirtioNet.HEADER_SIZE + "-byte header");
            return 0;
        }
        reader.readFully(headerBytes);
        long frameLength = reader.remaining();
        TxHeader h = TxHeader.parse(headerBytes);
        String problem = h.problem(frameLength, features, plainFrameLimit);
        if (problem != null) {
            drop(name + " header", problem);
            return 0;
        }
        if (backend == null || !linkUp.getAsBoolean()) {
            stats.txDropped.increment();
            return 0;
        }
        ByteBuffer[] views = reader.views(frameLength);
        if (views == null) {
            views = new ByteBuffer[] {copy(reader, frameLength)};
        }
        ByteBuffer[] frame;
        if (vnetHeader) {
            header.clear();
            header.put(headerBytes).flip();
            if (views.length == 1) {
                frame = headerAndView;
                frame[1] = views[0];
            } else {
                frame = new ByteBuffer[views.length + 1];
                frame[0] = header;
                System.arraycopy(views, 0, frame, 1, views.length);
            }
        } else {
            frame = views;
        }
        send(frame, frameLength);
        headerAndView[1] = null;
        return 0;
    }

    private void send(ByteBuffer[] frame, long frameLength) {
        try {
            while (!backend.send(frame)) {
                if (stopping.getAsBoolean()) {
                    stats.txDropped.increment();
                    return;
                }
                // The kick notifier wakes this when the device stops; a kick for new chains is not lost, since
                // the server looks at the ring again after this chain.
                backend.awaitWritable(kicks, WRITABLE_WAIT_MILLIS);
            }
            stats.txPackets.increment();
            stats.txBytes.add(frameLength);
        } catch (IOException e) {
            stats.txDropped.increment();
            log.reportHost(name + " send", e.getMessage());
        }
    }

    /**
     * A frame in guest RAM the memory cannot give views of (it crosses host mappings) is copied once, into a buffer
     * this queue keeps for the next such frame (the backend is done with it when send returns).
     */
    private ByteBuffer copy(ChainReader reader, long frameLength) throws VirtqueueException {
        if (copied == null || copied.capacity() < frameLength) {
            copied = ByteBuffer.allocateDirect((int) frameLength);
        }
        ByteBuffer b = copied.clear().limit((int) frameLength);
        reader.read(b);
        return b.flip();
    }

    private void drop(String kind, String detail) {
        stats.txDropped.increment();
        log.report(kind, detail + "; frame dropped");
    }
}

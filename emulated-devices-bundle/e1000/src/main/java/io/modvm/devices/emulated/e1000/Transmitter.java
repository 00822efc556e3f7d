package io.modvm.devices.emulated.e1000;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.GuestMemoryException;
import io.modvm.api.net.NetworkBackend;
import io.modvm.api.net.NetworkQueue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The transmit ring, on a thread of its own that the driver's TDT writes wake (SDM 3.3 and 3.4): it takes the
 * descriptors the device owns, applies context descriptors, gathers data and legacy descriptors up to the one with
 * EOP, sends the packet, writes Descriptor Done back where RS asks for it and moves TDH past the packet. A packet
 * whose EOP descriptor the driver has not given yet waits for it, so nothing is half sent when the device stops.
 *
 * <p>A plain packet goes to the backend as views of guest RAM; one with offloads or a VLAN tag to insert is copied
 * once and finished in software ({@link TxOffload}). Whatever the guest wrote is checked: a descriptor outside RAM
 * stops the ring until the driver programs it again; a buffer outside RAM, a packet too long, or offsets that do not
 * fit drop the packet, which still completes, as on hardware.
 */
final class Transmitter implements DeviceThread.Step {
    /** The largest packet the device gathers: a segmentation payload of 256 KiB and its header. */
    static final int MAX_PACKET = 256 * 1024 + 256;
    /** The largest frame sent as it is, without segmentation (SDM: 16288 bytes). */
    static final int MAX_FRAME = TxOffload.MAX_SEGMENT;
    private static final int VLAN_TAG = 4;
    private static final long IDLE_WAIT_MILLIS = 1000;
    private static final long WRITABLE_WAIT_MILLIS = 100;

    private final E1000Device device;
    private final NetworkQueue backend;
    private final boolean vnetHeader;
    private final GuestErrors errors;
    private final List<TxDescriptor> unit = new ArrayList<>();
    private final List<Long> unitAddresses = new ArrayList<>();
    private final byte[] packet = new byte[MAX_PACKET];
    private final byte[] frame = new byte[MAX_FRAME + VLAN_TAG];
    private final ByteBuffer header = ByteBuffer.allocateDirect(NetworkBackend.VNET_HEADER_SIZE);
    private TxContext checksumContext = TxContext.NONE;
    private TxContext segmentationContext = TxContext.NONE;
    private EventNotifier wake;

    /** @param backend the backend's first queue, or null for a NIC without one: packets then go nowhere */
    Transmitter(E1000Device device, NetworkQueue backend, boolean vnetHeader, GuestErrors errors) {
        this.device = device;
        this.backend = backend;
        this.vnetHeader = vnetHeader;
        this.errors = errors;
    }

    @Override
    public void run(EventNotifier wakeUp) {
        this.wake = wakeUp;
        DescriptorRing ring = device.transmitRing();
        if (ring == null || ring.owned() == 0 || !transmit(ring)) {
            wakeUp.await(IDLE_WAIT_MILLIS);
        }
    }

    /** The two offload contexts, for a hand-over. */
    TxContext[] contexts() {
        return new TxContext[] {checksumContext, segmentationContext};
    }

    void restoreContexts(TxContext checksum, TxContext segmentation) {
        this.checksumContext = checksum;
        this.segmentationContext = segmentation;
    }

    /** Takes the ring's whole packets; returns true if it moved the head. */
    private boolean transmit(DescriptorRing ring) {
        GuestMemory memory = device.memory();
        if (memory == null) {
            return false;
        }
        unit.clear();
        unitAddresses.clear();
        int owned = ring.owned();
        int done = 0;
        for (int i = 0; i < owned; i++) {
            long at = ring.address(i);
            TxDescriptor d;
            try {
                d = new TxDescriptor(memory.readLong(at), memory.readInt(at + 8), memory.readInt(at + 12));
            } catch (GuestMemoryException e) {
                device.transmitRingBroken(ring, "descriptor " + ring.index(i) + " at 0x" + Long.toHexString(at)
                        + " is outside guest RAM");
                return done > 0;
            }
            unit.add(d);
            unitAddresses.add(at);
            if (d.context()) {
                TxContext c = TxContext.of(d);
                if (c.segmentation()) {
                    segmentationContext = c;
                } else {
                    checksumContext = c;
                }
            } else if (!d.endOfPacket()) {
                continue;
            } else {
                send(memory);
            }
            if (!complete(memory, ring, i + 1)) {
                return done > 0;
            }
            done = i + 1;
        }
        if (!unit.isEmpty() && owned == ring.count() - 1) {
            // The whole ring is one packet without an end: no more can come, so it is dropped.
            errors.report("transmit", "the whole ring of " + ring.count() + " descriptors holds no end of packet; "
                    + "dropped");
            return complete(memory, ring, owned);
        }
        return done > 0;
    }

    /** Writes back the unit's descriptors that ask for it and moves the head to {@code steps} after the ring's. */
    private boolean complete(GuestMemory memory, DescriptorRing ring, int steps) {
        boolean reported = false;
        try {
            for (int i = 0; i < unit.size(); i++) {
                TxDescriptor d = unit.get(i);
                if (d.reportStatus()) {
                    memory.writeByte(unitAddresses.get(i) + TxDescriptor.STATUS_OFFSET,
                            (byte) (d.upper() & 0xF0 | TxDescriptor.STA_DD));
                    reported = true;
                }
            }
        } catch (GuestMemoryException e) {
            // The descriptors were just read from there; only a hot-unplugged RAM range could get here.
            errors.report("transmit", "descriptor write-back failed: " + e.getMessage());
        }
        unit.clear();
        unitAddresses.clear();
        return device.commitTransmit(ring, ring.index(steps), reported ? E1000Registers.ICR_TXDW : 0);
    }

    /** Sends the packet the unit's data and legacy descriptors make, if it can be made. */
    private void send(GuestMemory memory) {
        TxDescriptor first = null;
        TxDescriptor last = null;
        long length = 0;
        int buffers = 0;
        for (TxDescriptor d : unit) {
            if (!d.context()) {
                first = first == null ? d : first;
                last = d;
                length += d.length();
                buffers += d.length() > 0 ? 1 : 0;
            }
        }
        if (length > MAX_PACKET) {
            errors.report("transmit", "packet of " + length + " bytes, more than " + MAX_PACKET + "; dropped");
            return;
        }
        boolean segment = first.extended() && first.segmentationOrChecksum();
        int options = first.extended() ? first.options() : 0;
        boolean legacyChecksum = !last.extended() && last.segmentationOrChecksum();
        long tag = last.vlan() && device.vlanMode() ? (long) device.vlanEtherType() << 16 | last.special() : -1;
        if (!segment && length > MAX_FRAME) {
            errors.report("transmit", "frame of " + length + " bytes without segmentation; dropped");
            return;
        }
        if (!segment && options == 0 && !legacyChecksum && tag < 0) {
            ByteBuffer[] views = views(memory, buffers);
            if (views != null) {
                sendViews(views, (int) length, memory);
                return;
            }
        }
        if (!gather(memory, (int) length)) {
            return;
        }
        TxContext context = segment ? segmentationContext : checksumContext;
        if (segment || options != 0) {
            String problem = TxOffload.problem(context, (int) length, options, segment);
            if (problem != null) {
                errors.report("transmit", problem + "; dropped");
                return;
            }
        }
        if (segment) {
            device.statistics().segmentationContext();
            TxOffload.segment(packet, (int) length, context, options, tag, frame, this::sendCopy);
            return;
        }
        if (options != 0) {
            TxOffload.checksums(packet, (int) length, context, options);
        }
        if (legacyChecksum && !TxOffload.legacyChecksum(packet, (int) length, last.checksumStart(),
                last.checksumOffset())) {
            errors.report("transmit", "checksum start " + last.checksumStart() + " or offset "
                    + last.checksumOffset() + " past a frame of " + length + " bytes; dropped");
            return;
        }
        System.arraycopy(packet, 0, frame, 0, (int) length);
        sendCopy(frame, tag < 0 ? (int) length : TxOffload.insertTag(frame, (int) length, (int) tag));
    }

    /** Views of the unit's buffers, or null if one is not a single range of RAM (it is then copied). */
    private ByteBuffer[] views(GuestMemory memory, int buffers) {
        if (buffers == 0) {
            return null;
        }
        ByteBuffer[] out = new ByteBuffer[buffers + (vnetHeader ? 1 : 0)];
        int at = 0;
        if (vnetHeader) {
            out[at++] = header.clear();
        }
        try {
            for (TxDescriptor d : unit) {
                if (!d.context() && d.length() > 0) {
                    out[at++] = memory.view(d.address(), d.length());
                }
            }
        } catch (GuestMemoryException e) {
            return null;
        }
        return out;
    }

    /** Copies the unit's buffers into {@link #packet}; false (and reported) if one is outside RAM. */
    private boolean gather(GuestMemory memory, int length) {
        int at = 0;
        for (TxDescriptor d : unit) {
            if (d.context() || d.length() == 0) {
                continue;
            }
            try {
                memory.read(d.address(), packet, at, d.length());
            } catch (GuestMemoryException e) {
                errors.report("transmit", "buffer at 0x" + Long.toHexString(d.address()) + " of " + d.length()
                        + " bytes is outside guest RAM; packet dropped");
                return false;
            }
            at += d.length();
        }
        return at == length;
    }

    private void sendViews(ByteBuffer[] views, int length, GuestMemory memory) {
        byte[] head = new byte[6];
        views[vnetHeader ? 1 : 0].duplicate().get(head, 0, Math.min(6, views[vnetHeader ? 1 : 0].remaining()));
        deliver(views, length, head);
    }

    private void sendCopy(byte[] bytes, int length) {
        ByteBuffer body = ByteBuffer.wrap(bytes, 0, length);
        deliver(vnetHeader ? new ByteBuffer[] {header.clear(), body} : new ByteBuffer[] {body}, length, bytes);
    }

    /** Sends one frame, waiting while the backend is full, unless the link is down or the device stops. */
    private void deliver(ByteBuffer[] buffers, int length, byte[] head) {
        if (backend == null || !device.linkUp() || length < 14) {
            return;
        }
        try {
            while (!backend.send(buffers)) {
                if (!device.transmitting()) {
                    return;
                }
                backend.awaitWritable(wake, WRITABLE_WAIT_MILLIS);
            }
            device.statistics().sent(length, head);
        } catch (IOException e) {
            errors.reportHost("transmit", e.getMessage());
        }
    }
}

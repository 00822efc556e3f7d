package io.modvm.devices.emulated.e1000;

import io.modvm.api.accel.EventNotifier;
import io.modvm.api.memory.GuestMemory;
import io.modvm.api.memory.GuestMemoryException;
import io.modvm.api.net.NetworkBackend;
import io.modvm.api.net.NetworkQueue;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The receive ring, on a thread of its own (SDM 3.2): it waits for a frame on the backend and for the driver at
 * once (new descriptors, receive enabled, the link), reads each frame straight into the buffers of the descriptors
 * the device owns, applies the receive filter to what landed there, and hands the descriptors that hold a frame
 * back with Descriptor Done and End of Packet, moving RDH. A frame the filter turns away leaves the descriptors
 * owned for the next one. While the device owns no descriptor, or the driver has not enabled receive, frames stay
 * in the backend; while the link is down they are read and dropped, as on a cable pulled out.
 *
 * <p>Every address the guest gave is checked: a descriptor outside RAM stops the ring until the driver programs it
 * again; a buffer outside RAM (or at 0) is handed back empty with an error, so the ring still moves.
 */
final class Receiver implements DeviceThread.Step {
    private static final long IDLE_WAIT_MILLIS = 1000;
    /** The Ethernet header and an 802.1Q tag: what the filter reads. */
    static final int HEAD = 18;
    static final int MIN_FRAME = 60;
    /** The longest frame without Long Packet Enable, tag included (SDM 3.2.2), and with it. */
    static final int MAX_FRAME = 1518;
    static final int MAX_LONG_FRAME = 16384 - 4;
    static final int FCS = 4;
    private static final int VLAN_TAG = 4;
    private static final int MAC_ADDRESSES = 12;

    private final E1000Device device;
    private final NetworkQueue backend;
    private final boolean vnetHeader;
    private final GuestErrors errors;
    private final byte[] head = new byte[HEAD];
    private final ByteBuffer vnet = ByteBuffer.allocateDirect(NetworkBackend.VNET_HEADER_SIZE);
    /** For frames RAM cannot give a view for, for a tag to strip, and for frames dropped while the link is down. */
    private final byte[] bounce = new byte[MAX_LONG_FRAME + FCS + VLAN_TAG];

    /** @param backend the backend's first queue, or null for a NIC without one: no frame comes */
    Receiver(E1000Device device, NetworkQueue backend, boolean vnetHeader, GuestErrors errors) {
        this.device = device;
        this.backend = backend;
        this.vnetHeader = vnetHeader;
        this.errors = errors;
    }

    @Override
    public void run(EventNotifier wake) {
        if (backend == null) {
            wake.await(IDLE_WAIT_MILLIS);
            return;
        }
        if (!device.linkUp()) {
            dropWhileDown(wake);
            return;
        }
        DescriptorRing ring = device.receiveRing();
        GuestMemory memory = device.memory();
        if (ring == null || ring.owned() == 0 || memory == null) {
            wake.await(IDLE_WAIT_MILLIS);
            return;
        }
        if (!receive(ring, memory)) {
            backend.awaitReceivable(wake, IDLE_WAIT_MILLIS);
        }
    }

    private void dropWhileDown(EventNotifier wake) {
        try {
            while (!device.linkUp() && read(new ByteBuffer[] {ByteBuffer.wrap(bounce)}) != 0) {
                device.statistics().missed();
            }
        } catch (IOException e) {
            errors.reportHost("receive", e.getMessage());
        }
        if (!device.linkUp()) {
            backend.awaitReceivable(wake, IDLE_WAIT_MILLIS);
        }
    }

    /** Receives one frame into the ring; false if none was waiting. */
    private boolean receive(DescriptorRing ring, GuestMemory memory) {
        int bufferSize = device.receiveBufferSize();
        int longest = (device.longPackets() ? MAX_LONG_FRAME : MAX_FRAME) + FCS;
        int wanted = Math.min(ring.owned(), (longest + bufferSize - 1) / bufferSize);
        long[] buffers = new long[wanted];
        int usable = 0;
        for (; usable < wanted; usable++) {
            long address;
            try {
                address = memory.readLong(ring.address(usable));
            } catch (GuestMemoryException e) {
                device.receiveRingBroken(ring, "descriptor " + ring.index(usable) + " at 0x"
                        + Long.toHexString(ring.address(usable)) + " is outside guest RAM");
                return true;
            }
            if (address == 0 || !memory.isRam(address, bufferSize)) {
                break;
            }
            buffers[usable] = address;
        }
        if (usable == 0) {
            errors.report("receive buffer", "descriptor " + ring.head() + " points at 0x"
                    + Long.toHexString(readQuietly(memory, ring.address(0))) + ", not at " + bufferSize
                    + " bytes of guest RAM; handed back empty with an error");
            device.commitReceiveError(ring);
            return true;
        }
        ByteBuffer[] views = views(memory, buffers, usable, bufferSize);
        int n;
        try {
            n = read(views != null ? views : new ByteBuffer[] {ByteBuffer.wrap(bounce, 0,
                    Math.min(bounce.length, usable * bufferSize))});
        } catch (IOException e) {
            errors.reportHost("receive", e.getMessage());
            return true;
        }
        if (n == 0) {
            return false;
        }
        if (n < 0) {
            device.statistics().missed();
            return true;
        }
        if (views == null) {
            scatter(memory, buffers, bufferSize, bounce, n);
        }
        if (n < MIN_FRAME) {
            memory.fill(buffers[0] + n, MIN_FRAME - n, (byte) 0);
            n = MIN_FRAME;
        }
        memory.read(buffers[0], head, 0, HEAD);
        if (n > longest - FCS && !device.storeBadPackets()) {
            device.statistics().oversize();
            return true;
        }
        if (!device.accepts(head)) {
            return true;
        }
        int special = -1;
        if (device.vlanMode() && device.tagged(head)) {
            special = (head[14] & 0xFF) << 8 | head[15] & 0xFF;
            n = stripTag(memory, buffers, bufferSize, n);
            memory.read(buffers[0], head, 0, HEAD);
        }
        int total = n + (device.stripsCrc() ? 0 : FCS);
        int used = (total + bufferSize - 1) / bufferSize;
        if (used > usable) {
            device.statistics().missed();
            return true;
        }
        device.commitReceive(ring, used, total, bufferSize, special, n, head);
        return true;
    }

    /** Reads one frame from the backend into {@code buffers}, after the vnet header if the backend has one. */
    private int read(ByteBuffer[] buffers) throws IOException {
        if (!vnetHeader) {
            return backend.receive(buffers);
        }
        ByteBuffer[] all = new ByteBuffer[buffers.length + 1];
        all[0] = vnet.clear();
        System.arraycopy(buffers, 0, all, 1, buffers.length);
        int n = backend.receive(all);
        if (n == 0) {
            return 0;
        }
        // No offloads were asked for, so the header carries none; the frame follows it.
        return n > 0 ? Math.max(0, n - NetworkBackend.VNET_HEADER_SIZE) : n;
    }

    private static ByteBuffer[] views(GuestMemory memory, long[] buffers, int count, int bufferSize) {
        ByteBuffer[] views = new ByteBuffer[count];
        try {
            for (int i = 0; i < count; i++) {
                views[i] = memory.view(buffers[i], bufferSize);
            }
        } catch (GuestMemoryException e) {
            return null;
        }
        return views;
    }

    /** Copies {@code n} bytes of {@code bytes} into the buffers, {@code bufferSize} bytes each. */
    private static void scatter(GuestMemory memory, long[] buffers, int bufferSize, byte[] bytes, int n) {
        for (int done = 0, i = 0; done < n; i++) {
            int take = Math.min(bufferSize, n - done);
            memory.write(buffers[i], bytes, done, take);
            done += take;
        }
    }

    /** Takes the 802.1Q tag out of the frame in the buffers (the driver gets it in the descriptor); new length. */
    private int stripTag(GuestMemory memory, long[] buffers, int bufferSize, int n) {
        for (int done = 0, i = 0; done < n; i++) {
            int take = Math.min(bufferSize, n - done);
            memory.read(buffers[i], bounce, done, take);
            done += take;
        }
        System.arraycopy(bounce, MAC_ADDRESSES + VLAN_TAG, bounce, MAC_ADDRESSES, n - MAC_ADDRESSES - VLAN_TAG);
        scatter(memory, buffers, bufferSize, bounce, n - VLAN_TAG);
        return n - VLAN_TAG;
    }

    private static long readQuietly(GuestMemory memory, long address) {
        try {
            return memory.readLong(address);
        } catch (GuestMemoryException e) {
            return -1;
        }
    }
}

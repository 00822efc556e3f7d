package io.modvm.virtio.net;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * What a virtio-net device carries across a bundle update, a snapshot or a migration besides what the transport
 * saves (registers, negotiated features, ring indexes): what the driver told it through the control queue (the
 * receive filter with the MAC it may have changed, its receive offloads, the queue pairs in use), the link and
 * announcement bits of its status, and the receive buffers each receiveq held for frames to come. Frames being
 * sent are finished before the device stops, so none is in flight.
 *
 * @param filter the receive filter, with the NIC's current MAC
 * @param guestOffloads the guest's receive offloads (VIRTIO_NET_F_GUEST_* bits)
 * @param pairs the queue pairs in use
 * @param linkUp the link as {@code set_link} left it
 * @param announce whether VIRTIO_NET_S_ANNOUNCE is set
 * @param heldBuffers per receiveq, the heads of the buffers it held
 */
record NetState(NetFilter filter, long guestOffloads, int pairs, boolean linkUp, boolean announce,
        List<int[]> heldBuffers) {
    static final String TYPE = "virtio-net";
    static final int VERSION = 1;

    StateRecord toRecord() {
        List<StateRecord> queues = new ArrayList<>();
        for (int[] heads : heldBuffers) {
            byte[] bytes = new byte[heads.length * 2];
            for (int i = 0; i < heads.length; i++) {
                bytes[2 * i] = (byte) heads[i];
                bytes[2 * i + 1] = (byte) (heads[i] >>> 8);
            }
            queues.add(StateRecord.builder("virtio-net-rxq", 1).put("heads", bytes).build());
        }
        NetFilter f = filter;
        StateRecord filterRecord = StateRecord.builder("virtio-net-filter", 1).put("mac", f.mac())
                .put("promiscuous", f.promiscuous()).put("allMulticast", f.allMulticast())
                .put("allUnicast", f.allUnicast()).put("noMulticast", f.noMulticast())
                .put("noUnicast", f.noUnicast()).put("noBroadcast", f.noBroadcast())
                .put("unicast", join(f.unicast())).put("multicast", join(f.multicast()))
                .put("unicastOverflow", f.unicastOverflow()).put("multicastOverflow", f.multicastOverflow())
                .put("vlans", f.vlans().toByteArray()).build();
        return StateRecord.builder(TYPE, VERSION).put("filter", filterRecord).put("guestOffloads", guestOffloads)
                .put("pairs", pairs).put("linkUp", linkUp).put("announce", announce).put("rxQueues", queues)
                .build();
    }

    /**
     * Reads a saved state for a device of {@code rxQueues} receiveqs of {@code queueSize} entries; a state that
     * does not fit it is refused.
     */
    static NetState from(StateRecord r, int rxQueues, int queueSize) throws StateException {
        r.require(TYPE, 1, VERSION);
        StateRecord fr = r.getRecord("filter");
        fr.require("virtio-net-filter", 1, 1);
        byte[] mac = fr.getBytes("mac");
        if (mac.length != 6) {
            throw new StateException(TYPE + ": a MAC of " + mac.length + " bytes");
        }
        NetFilter filter = new NetFilter(mac, fr.getBoolean("promiscuous"), fr.getBoolean("allMulticast"),
                fr.getBoolean("allUnicast"), fr.getBoolean("noMulticast"), fr.getBoolean("noUnicast"),
                fr.getBoolean("noBroadcast"), split(fr.getBytes("unicast")), split(fr.getBytes("multicast")),
                fr.getBoolean("unicastOverflow"), fr.getBoolean("multicastOverflow"),
                BitSet.valueOf(fr.getBytes("vlans")));
        if (filter.unicast().size() > VirtioNet.MAC_TABLE_ENTRIES
                || filter.multicast().size() > VirtioNet.MAC_TABLE_ENTRIES || filter.vlans().length() > VirtioNet.VLANS) {
            throw new StateException(TYPE + ": the saved receive filter is larger than this device's tables");
        }
        int pairs = r.getInt("pairs");
        List<StateRecord> queues = r.getRecords("rxQueues");
        if (queues.size() != rxQueues || pairs < 1 || pairs > rxQueues) {
            throw new StateException(TYPE + ": saved with " + queues.size() + " receive queue(s), " + pairs
                    + " in use; this device has " + rxQueues);
        }
        List<int[]> held = new ArrayList<>();
        for (StateRecord q : queues) {
            q.require("virtio-net-rxq", 1, 1);
            byte[] bytes = q.getBytes("heads");
            if (bytes.length % 2 != 0 || bytes.length / 2 > queueSize) {
                throw new StateException(TYPE + ": a receive queue saved with " + bytes.length + " bytes of heads");
            }
            int[] heads = new int[bytes.length / 2];
            for (int i = 0; i < heads.length; i++) {
                heads[i] = (bytes[2 * i] & 0xff) | (bytes[2 * i + 1] & 0xff) << 8;
            }
            held.add(heads);
        }
        return new NetState(filter, r.getLong("guestOffloads"), pairs, r.getBoolean("linkUp"),
                r.getBoolean("announce"), held);
    }

    private static byte[] join(List<byte[]> macs) {
        byte[] out = new byte[macs.size() * 6];
        for (int i = 0; i < macs.size(); i++) {
            System.arraycopy(macs.get(i), 0, out, 6 * i, 6);
        }
        return out;
    }

    private static List<byte[]> split(byte[] bytes) throws StateException {
        if (bytes.length % 6 != 0) {
            throw new StateException(TYPE + ": a MAC table of " + bytes.length + " bytes");
        }
        List<byte[]> macs = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += 6) {
            byte[] mac = new byte[6];
            System.arraycopy(bytes, i, mac, 0, 6);
            macs.add(mac);
        }
        return macs;
    }
}

package io.modvm.virtio.net;

import io.modvm.api.memory.GuestMemory;
import io.modvm.virtio.device.ChainHandler;
import io.modvm.virtio.device.GuestErrorLog;
import io.modvm.virtio.queue.ChainReader;
import io.modvm.virtio.queue.ChainWriter;
import io.modvm.virtio.queue.DescriptorChain;
import io.modvm.virtio.queue.VirtqueueException;
import java.util.ArrayList;
import java.util.List;

/**
 * The controlq (virtio 1.2, 5.1.6.5): each chain is a command (class, command, data) the driver wrote and one
 * writable byte for the device's answer, OK or ERR. Commands change the NIC's receive filter, its MAC, the guest's
 * offloads and the number of queue pairs in use, through {@link Commands}; one the device does not know, or whose
 * feature was not negotiated, or whose data is malformed, is answered ERR and changes nothing.
 */
final class NetCtrlQueue implements ChainHandler {
    /** What a command changes, on the device. */
    interface Commands {
        NetFilter filter();

        /** Makes {@code next} the receive filter (and tells the monitor it changed). */
        void setFilter(NetFilter next);

        /** The driver acknowledged an announcement: clear VIRTIO_NET_S_ANNOUNCE. */
        void announceAcked();

        /** Uses {@code pairs} queue pairs from now; false if that many cannot be used. */
        boolean setQueuePairs(int pairs);

        /** The guest's receive offloads from now (VIRTIO_NET_F_GUEST_* bits); false if refused. */
        boolean setGuestOffloads(long offloads);
    }

    private final GuestMemory memory;
    private final long features;
    private final int maxPairs;
    private final Commands device;
    private final GuestErrorLog log;

    NetCtrlQueue(GuestMemory memory, long features, int maxPairs, Commands device, GuestErrorLog log) {
        this.memory = memory;
        this.features = features;
        this.maxPairs = maxPairs;
        this.device = device;
        this.log = log;
    }

    @Override
    public long serve(DescriptorChain chain) throws VirtqueueException {
        ChainReader reader = new ChainReader(memory, chain);
        ChainWriter writer = new ChainWriter(memory, chain);
        if (writer.remaining() < 1) {
            log.report("controlq command", "command with no writable byte for the answer");
            return 0;
        }
        byte[] code = new byte[2];
        int answer = VirtioNet.CTRL_ERR;
        if (reader.read(code, 0, 2) == 2) {
            byte[] data = new byte[(int) Math.min(reader.remaining(), maxData())];
            if (reader.remaining() > data.length) {
                log.report("controlq command", "command " + code[0] + "." + code[1] + " with "
                        + reader.remaining() + " bytes of data");
            } else {
                reader.read(data, 0, data.length);
                answer = run(code[0] & 0xff, code[1] & 0xff, data) ? VirtioNet.CTRL_OK : VirtioNet.CTRL_ERR;
            }
        }
        writer.write(new byte[] {(byte) answer}, 0, 1);
        return writer.written();
    }

    /** The largest command: a MAC table set with two full tables and their counts. */
    private static int maxData() {
        return 2 * (4 + 6 * VirtioNet.MAC_TABLE_ENTRIES) + 6 * 1024;
    }

    private boolean run(int cls, int cmd, byte[] data) {
        return switch (cls) {
            case VirtioNet.CTRL_RX -> rxMode(cmd, data);
            case VirtioNet.CTRL_MAC -> mac(cmd, data);
            case VirtioNet.CTRL_VLAN -> vlan(cmd, data);
            case VirtioNet.CTRL_ANNOUNCE -> announce(cmd);
            case VirtioNet.CTRL_MQ -> multiqueue(cmd, data);
            case VirtioNet.CTRL_GUEST_OFFLOADS -> offloads(cmd, data);
            default -> false;
        };
    }

    private boolean rxMode(int cmd, byte[] data) {
        boolean extra = cmd >= VirtioNet.CTRL_RX_ALLUNI;
        if (!has(VirtioNet.F_CTRL_RX) || (extra && !has(VirtioNet.F_CTRL_RX_EXTRA)) || data.length != 1) {
            return false;
        }
        NetFilter next = device.filter().withMode(cmd, data[0] != 0);
        if (next == null) {
            return false;
        }
        device.setFilter(next);
        return true;
    }

    private boolean mac(int cmd, byte[] data) {
        if (cmd == VirtioNet.CTRL_MAC_ADDR_SET) {
            if (!has(VirtioNet.F_CTRL_MAC_ADDR) || data.length != 6) {
                return false;
            }
            device.setFilter(device.filter().withMac(data));
            return true;
        }
        if (cmd != VirtioNet.CTRL_MAC_TABLE_SET || !has(VirtioNet.F_CTRL_RX)) {
            return false;
        }
        // Two tables, each a le32 count and that many addresses: unicast first, then multicast.
        int at = 0;
        List<List<byte[]>> tables = new ArrayList<>();
        boolean[] overflow = new boolean[2];
        for (int t = 0; t < 2; t++) {
            if (data.length - at < 4) {
                return false;
            }
            long entries = (data[at] & 0xffL) | (data[at + 1] & 0xffL) << 8 | (data[at + 2] & 0xffL) << 16
                    | (data[at + 3] & 0xffL) << 24;
            at += 4;
            if (entries * 6 > data.length - at) {
                return false;
            }
            List<byte[]> table = new ArrayList<>();
            for (int i = 0; i < entries; i++) {
                if (table.size() < VirtioNet.MAC_TABLE_ENTRIES) {
                    byte[] mac = new byte[6];
                    System.arraycopy(data, at, mac, 0, 6);
                    table.add(mac);
                } else {
                    overflow[t] = true;
                }
                at += 6;
            }
            tables.add(table);
        }
        if (at != data.length) {
            return false;
        }
        device.setFilter(device.filter().withTables(tables.get(0), overflow[0], tables.get(1), overflow[1]));
        return true;
    }

    private boolean vlan(int cmd, byte[] data) {
        if (!has(VirtioNet.F_CTRL_VLAN) || data.length != 2 || cmd > VirtioNet.CTRL_VLAN_DEL) {
            return false;
        }
        int vid = (data[0] & 0xff) | (data[1] & 0xff) << 8;
        if (vid >= VirtioNet.VLANS) {
            return false;
        }
        device.setFilter(device.filter().withVlan(vid, cmd == VirtioNet.CTRL_VLAN_ADD));
        return true;
    }

    private boolean announce(int cmd) {
        if (!has(VirtioNet.F_GUEST_ANNOUNCE) || cmd != VirtioNet.CTRL_ANNOUNCE_ACK) {
            return false;
        }
        device.announceAcked();
        return true;
    }

    private boolean multiqueue(int cmd, byte[] data) {
        if (!has(VirtioNet.F_MQ) || cmd != VirtioNet.CTRL_MQ_VQ_PAIRS_SET || data.length != 2) {
            return false;
        }
        int pairs = (data[0] & 0xff) | (data[1] & 0xff) << 8;
        return pairs >= 1 && pairs <= maxPairs && device.setQueuePairs(pairs);
    }

    private boolean offloads(int cmd, byte[] data) {
        if (!has(VirtioNet.F_CTRL_GUEST_OFFLOADS) || cmd != VirtioNet.CTRL_GUEST_OFFLOADS_SET || data.length != 8) {
            return false;
        }
        long offloads = 0;
        for (int i = 7; i >= 0; i--) {
            offloads = offloads << 8 | (data[i] & 0xff);
        }
        // Only receive offloads the device offered and the driver negotiated may be turned on.
        long allowed = features & NetOffloadBits.GUEST_OFFLOADS;
        if ((offloads & ~allowed) != 0) {
            return false;
        }
        return device.setGuestOffloads(offloads);
    }

    private boolean has(int bit) {
        return (features & (1L << bit)) != 0;
    }
}

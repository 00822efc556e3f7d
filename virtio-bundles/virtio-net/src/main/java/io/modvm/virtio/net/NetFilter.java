package io.modvm.virtio.net;

import io.modvm.api.net.MacAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which received frames the guest wants (virtio 1.2, 5.1.6.5): the receive modes, the MAC tables and the VLAN table
 * the driver set through the control queue. Immutable: the control queue's thread makes a new one and the receive
 * threads read whichever is current, without a lock. As in QEMU, a reset leaves the NIC promiscuous until the driver
 * says otherwise, and without VIRTIO_NET_F_CTRL_VLAN every VLAN passes.
 *
 * @param mac the NIC's own address
 * @param unicast the driver's unicast table, 6 bytes an entry
 * @param multicast the driver's multicast table
 * @param unicastOverflow the driver gave more unicast addresses than the table holds: all unicast passes
 * @param multicastOverflow the same for multicast
 * @param vlans the VLAN ids that pass
 */
record NetFilter(byte[] mac, boolean promiscuous, boolean allMulticast, boolean allUnicast, boolean noMulticast,
        boolean noUnicast, boolean noBroadcast, List<byte[]> unicast, List<byte[]> multicast, boolean unicastOverflow,
        boolean multicastOverflow, BitSet vlans) {

    NetFilter {
        mac = mac.clone();
        unicast = List.copyOf(unicast);
        multicast = List.copyOf(multicast);
        vlans = (BitSet) vlans.clone();
    }

    /** The filter after a reset: promiscuous, every VLAN passing unless the driver filters VLANs. */
    static NetFilter initial(byte[] mac, boolean vlanFiltering) {
        BitSet vlans = new BitSet(VirtioNet.VLANS);
        if (!vlanFiltering) {
            vlans.set(0, VirtioNet.VLANS);
        }
        return new NetFilter(mac, true, false, false, false, false, false, List.of(), List.of(), false, false, vlans);
    }

    /**
     * Whether a frame whose first bytes are {@code head} (at least the 14-byte Ethernet header, 16 for a tagged
     * frame's tag) passes.
     */
    boolean accepts(byte[] head) {
        if (promiscuous) {
            return true;
        }
        if ((head[12] & 0xff) == 0x81 && head[13] == 0 && head.length >= 16) {
            int vid = ((head[14] & 0x0f) << 8) | (head[15] & 0xff);
            if (!vlans.get(vid)) {
                return false;
            }
        }
        if ((head[0] & 1) != 0) {
            if (isBroadcast(head)) {
                return !noBroadcast;
            }
            if (noMulticast) {
                return false;
            }
            return allMulticast || multicastOverflow || contains(multicast, head);
        }
        if (noUnicast) {
            return false;
        }
        return allUnicast || unicastOverflow || Arrays.equals(mac, 0, 6, head, 0, 6) || contains(unicast, head);
    }

    private static boolean isBroadcast(byte[] head) {
        for (int i = 0; i < 6; i++) {
            if (head[i] != (byte) 0xff) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(List<byte[]> table, byte[] head) {
        for (byte[] entry : table) {
            if (Arrays.equals(entry, 0, 6, head, 0, 6)) {
                return true;
            }
        }
        return false;
    }

    NetFilter withMac(byte[] newMac) {
        return new NetFilter(newMac, promiscuous, allMulticast, allUnicast, noMulticast, noUnicast, noBroadcast,
                unicast, multicast, unicastOverflow, multicastOverflow, vlans);
    }

    /** With receive mode {@code command} (a CTRL_RX command) set to {@code on}; null for an unknown command. */
    NetFilter withMode(int command, boolean on) {
        return switch (command) {
            case VirtioNet.CTRL_RX_PROMISC -> new NetFilter(mac, on, allMulticast, allUnicast, noMulticast,
                    noUnicast, noBroadcast, unicast, multicast, unicastOverflow, multicastOverflow, vlans);
            case VirtioNet.CTRL_RX_ALLMULTI -> new NetFilter(mac, promiscuous, on, allUnicast, noMulticast,
                    noUnicast, noBroadcast, unicast, multicast, unicastOverflow, multicastOverflow, vlans);
            case VirtioNet.CTRL_RX_ALLUNI -> new NetFilter(mac, promiscuous, allMulticast, on, noMulticast,
                    noUnicast, noBroadcast, unicast, multicast, unicastOverflow, multicastOverflow, vlans);
            case VirtioNet.CTRL_RX_NOMULTI -> new NetFilter(mac, promiscuous, allMulticast, allUnicast, on,
                    noUnicast, noBroadcast, unicast, multicast, unicastOverflow, multicastOverflow, vlans);
            case VirtioNet.CTRL_RX_NOUNI -> new NetFilter(mac, promiscuous, allMulticast, allUnicast, noMulticast,
                    on, noBroadcast, unicast, multicast, unicastOverflow, multicastOverflow, vlans);
            case VirtioNet.CTRL_RX_NOBCAST -> new NetFilter(mac, promiscuous, allMulticast, allUnicast, noMulticast,
                    noUnicast, on, unicast, multicast, unicastOverflow, multicastOverflow, vlans);
            default -> null;
        };
    }

    /** With the MAC tables the driver set; an entry count above the table's size overflows it. */
    NetFilter withTables(List<byte[]> uni, boolean uniOverflow, List<byte[]> multi, boolean multiOverflow) {
        return new NetFilter(mac, promiscuous, allMulticast, allUnicast, noMulticast, noUnicast, noBroadcast, uni,
                multi, uniOverflow, multiOverflow, vlans);
    }

    NetFilter withVlan(int vid, boolean on) {
        BitSet next = (BitSet) vlans.clone();
        next.set(vid, on);
        return new NetFilter(mac, promiscuous, allMulticast, allUnicast, noMulticast, noUnicast, noBroadcast, unicast,
                multicast, unicastOverflow, multicastOverflow, next);
    }

    /** QEMU's RxFilterInfo for {@code query-rx-filter}, without {@code name}. */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("promiscuous", promiscuous);
        m.put("multicast", noMulticast ? "none" : allMulticast ? "all" : "normal");
        m.put("unicast", noUnicast ? "none" : allUnicast ? "all" : "normal");
        m.put("vlan", vlans.cardinality() == VirtioNet.VLANS ? "all" : vlans.isEmpty() ? "none" : "normal");
        m.put("broadcast-allowed", !noBroadcast);
        m.put("multicast-overflow", multicastOverflow);
        m.put("unicast-overflow", unicastOverflow);
        m.put("main-mac", MacAddress.format(mac));
        List<Object> vlanTable = new ArrayList<>();
        if (vlans.cardinality() != VirtioNet.VLANS) {
            vlans.stream().forEach(v -> vlanTable.add((long) v));
        }
        m.put("vlan-table", vlanTable);
        m.put("unicast-table", unicast.stream().map(MacAddress::format).map(Object.class::cast).toList());
        m.put("multicast-table", multicast.stream().map(MacAddress::format).map(Object.class::cast).toList());
        return m;
    }
}

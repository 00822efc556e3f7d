package io.modvm.virtio.net;

import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceProperties;
import io.modvm.api.device.DeviceProperty;
import io.modvm.api.net.MacAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The properties of one {@code virtio-net-pci}, checked, with QEMU's names: {@code netdev} (the backend's id),
 * {@code mac}, {@code mq}, {@code vectors}, {@code host_mtu}, and QEMU's switches of each feature ({@code csum},
 * {@code guest_tso4}, {@code mrg_rxbuf}, {@code ctrl_vq}, ...), all on by default as in QEMU, except
 * {@code mq}. Every error is one line naming the property and what it accepts.
 *
 * @param netdev the backend's id, or null for a NIC without one (its frames go nowhere)
 * @param mac the MAC address
 * @param mq whether multiqueue is offered (with a backend of several queue pairs)
 * @param vectors MSI-X vectors, or 0 for the default (one per queue and one for configuration changes)
 * @param mtu the MTU offered to the guest (VIRTIO_NET_F_MTU), or 0 for none
 * @param switches each feature switch given, by QEMU's name
 */
record NetConfig(String netdev, byte[] mac, boolean mq, int vectors, int mtu, Map<String, Boolean> switches) {
    /**
     * The longest frame the device moves without segmentation, either way: a jumbo frame, or more if host_mtu
     * offers the guest a larger MTU (plus an Ethernet header and a VLAN tag), which its driver then uses.
     */
    int plainFrameLimit() {
        return Math.max(VirtioNet.MAX_PLAIN_FRAME, mtu + 18);
    }

    static final String TYPE = "virtio-net-pci";
    /** QEMU's feature switches, by property name, and the bit each turns off. */
    static final Map<String, Integer> SWITCHES = switchBits();
    /** What the core checks before {@link #parse}; the feature switches are on by default, as in QEMU. */
    static final List<DeviceProperty> PROPERTIES = declarations();

    NetConfig {
        mac = mac.clone();
        switches = Map.copyOf(switches);
    }

    private static Map<String, Integer> switchBits() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("csum", VirtioNet.F_CSUM);
        m.put("guest_csum", VirtioNet.F_GUEST_CSUM);
        m.put("ctrl_guest_offloads", VirtioNet.F_CTRL_GUEST_OFFLOADS);
        m.put("guest_tso4", VirtioNet.F_GUEST_TSO4);
        m.put("guest_tso6", VirtioNet.F_GUEST_TSO6);
        m.put("guest_ecn", VirtioNet.F_GUEST_ECN);
        m.put("guest_ufo", VirtioNet.F_GUEST_UFO);
        m.put("host_tso4", VirtioNet.F_HOST_TSO4);
        m.put("host_tso6", VirtioNet.F_HOST_TSO6);
        m.put("host_ecn", VirtioNet.F_HOST_ECN);
        m.put("host_ufo", VirtioNet.F_HOST_UFO);
        m.put("mrg_rxbuf", VirtioNet.F_MRG_RXBUF);
        m.put("status", VirtioNet.F_STATUS);
        m.put("ctrl_vq", VirtioNet.F_CTRL_VQ);
        m.put("ctrl_rx", VirtioNet.F_CTRL_RX);
        m.put("ctrl_vlan", VirtioNet.F_CTRL_VLAN);
        m.put("ctrl_rx_extra", VirtioNet.F_CTRL_RX_EXTRA);
        m.put("guest_announce", VirtioNet.F_GUEST_ANNOUNCE);
        m.put("ctrl_mac_addr", VirtioNet.F_CTRL_MAC_ADDR);
        return Map.copyOf(m);
    }

    private static List<DeviceProperty> declarations() {
        List<DeviceProperty> d = new ArrayList<>(List.of(
                DeviceProperty.string("netdev", "ID of a netdev to use as a backend"),
                DeviceProperty.string("mac", "MAC address, e.g. 52:54:00:12:34:56; by default one from the id"),
                DeviceProperty.bool("mq", "offer multiqueue, with a backend of several queue pairs").withDefault(false),
                DeviceProperty.integer("vectors", "MSI-X vectors; by default one per queue and one for configuration")
                        .range(1, 1008),
                DeviceProperty.integer("host_mtu", "MTU offered to the guest").range(68, 65535),
                DeviceProperty.bool("gso", "off turns host_tso4, host_tso6, host_ecn and host_ufo off")
                        .withDefault(true),
                DeviceProperty.bool("event_idx", "accepted; modvm's virtio devices always have it").withDefault(true),
                DeviceProperty.bool("indirect_desc", "accepted; modvm's virtio devices always have it")
                        .withDefault(true),
                DeviceProperty.string("romfile", "accepted for QEMU compatibility; no option ROM is loaded"),
                DeviceProperty.integer("bootindex", "accepted for QEMU compatibility; no firmware boots from it")
                        .range(-1, Integer.MAX_VALUE)));
        // disable-legacy and disable-modern are the transport's (VirtioPciMode), declared by the factory.
        for (String name : SWITCHES.keySet()) {
            d.add(DeviceProperty.bool(name, "feature switch").withDefault(true));
        }
        return List.copyOf(d);
    }

    /** Whether the feature switch {@code name} was left on. */
    boolean on(String name) {
        return switches.getOrDefault(name, true);
    }

    /** {@code properties} as given, checked against {@link #PROPERTIES} as the core checks them. */
    static NetConfig parse(String deviceId, Map<String, String> properties) throws DeviceException {
        return parse(deviceId, DeviceProperties.parse(TYPE, PROPERTIES, properties));
    }

    static NetConfig parse(String deviceId, DeviceProperties p) throws DeviceException {
        Map<String, Boolean> switches = new LinkedHashMap<>();
        for (String name : SWITCHES.keySet()) {
            if (p.isSet(name)) {
                switches.put(name, p.bool(name));
            }
        }
        if (!p.bool("gso")) {
            for (String name : new String[] {"host_tso4", "host_tso6", "host_ecn", "host_ufo"}) {
                switches.put(name, false);
            }
        }
        for (String fixed : new String[] {"event_idx", "indirect_desc"}) {
            if (!p.bool(fixed)) {
                throw new DeviceException(TYPE + ": " + fixed + "=" + p.asMap().get(fixed) + " is not supported; "
                        + "modvm's virtio devices always have event_idx and indirect_desc");
            }
        }
        String netdev = p.string("netdev");
        if (netdev != null && netdev.isEmpty()) {
            throw new DeviceException(TYPE + ": property 'netdev' is empty; give the id of a -netdev");
        }
        byte[] mac = p.isSet("mac") ? MacAddress.parse(TYPE, p.string("mac")) : MacAddress.generated(deviceId);
        int vectors = p.isSet("vectors") ? (int) p.integer("vectors") : 0;
        int mtu = p.isSet("host_mtu") ? (int) p.integer("host_mtu") : 0;
        return new NetConfig(netdev, mac, p.bool("mq"), vectors, mtu, switches);
    }
}

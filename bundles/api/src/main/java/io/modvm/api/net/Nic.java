package io.modvm.api.net;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A network card of the running machine, as the monitor sees it: registered as an OSGi service by the device's bundle
 * while the device exists (with service property {@link #PROP_ID}), so that {@code info network}, {@code set_link}
 * and {@code query-rx-filter} reach every NIC model the same way.
 */
@ConsumerType
public interface Nic {
    /** Service property: the device id. */
    String PROP_ID = "modvm.nic.id";

    /** The device id. */
    String id();

    /** The device type, as {@code -device} names it ({@code virtio-net-pci}, {@code e1000}). */
    String model();

    /** The MAC address, as {@code 52:54:00:12:34:56}. */
    String mac();

    /** The id of the network backend the NIC uses, or null if it has none. */
    String netdev();

    /** The backend's {@code info network} line ({@code type=tap,ifname=tap0,...}) and datapath. */
    String backendInfo();

    /** Whether the link is up as the guest sees it. */
    boolean linkUp();

    /** Sets the link as the guest sees it ({@code set_link}); the guest hears of it as the hardware would say. */
    void setLink(boolean up);

    /**
     * QEMU's {@code RxFilterInfo} for {@code query-rx-filter}: name, promiscuous, multicast, unicast, vlan,
     * broadcast-allowed, multicast-overflow, unicast-overflow, main-mac, vlan-table, unicast-table,
     * multicast-table. Asking re-arms {@code NIC_RX_FILTER_CHANGED}, as in QEMU.
     */
    Map<String, Object> rxFilter();

    /**
     * One round of {@link NetworkAnnouncer}'s announcements: sends a {@link SelfAnnouncement} of the NIC's address
     * through its backend ({@link NetworkBackend#announce}) and, if the guest's driver can announce itself (virtio-net
     * with VIRTIO_NET_F_GUEST_ANNOUNCE), asks it to. Called from the announcer's thread. The default does nothing,
     * for NIC models written before 1.2.
     *
     * @since 1.2
     */
    default void announce() {
    }
}

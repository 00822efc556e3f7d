package io.modvm.virtio.net;

import static io.modvm.virtio.net.NetOffloadBits.bit;

import io.modvm.virtio.device.VirtioFeatures;

/**
 * Which features a virtio-net device offers, as QEMU 7.2 decides it: everything its switches leave on, less what
 * the backend cannot carry (the offloads need the virtio-net header on the backend's frames), less what depends on
 * a feature that is off (segmentation needs checksums, the control queue's commands need the control queue).
 */
final class NetFeatures {
    private static final long OFFLOADS = bit(VirtioNet.F_CSUM) | bit(VirtioNet.F_GUEST_CSUM)
            | bit(VirtioNet.F_CTRL_GUEST_OFFLOADS) | bit(VirtioNet.F_GUEST_TSO4) | bit(VirtioNet.F_GUEST_TSO6)
            | bit(VirtioNet.F_GUEST_ECN) | bit(VirtioNet.F_GUEST_UFO) | bit(VirtioNet.F_HOST_TSO4)
            | bit(VirtioNet.F_HOST_TSO6) | bit(VirtioNet.F_HOST_ECN) | bit(VirtioNet.F_HOST_UFO);
    private static final long NEEDS_CTRL_VQ = bit(VirtioNet.F_CTRL_RX) | bit(VirtioNet.F_CTRL_VLAN)
            | bit(VirtioNet.F_CTRL_RX_EXTRA) | bit(VirtioNet.F_GUEST_ANNOUNCE) | bit(VirtioNet.F_MQ)
            | bit(VirtioNet.F_CTRL_MAC_ADDR) | bit(VirtioNet.F_CTRL_GUEST_OFFLOADS);
    private static final long NEEDS_CSUM = bit(VirtioNet.F_HOST_TSO4) | bit(VirtioNet.F_HOST_TSO6)
            | bit(VirtioNet.F_HOST_ECN) | bit(VirtioNet.F_HOST_UFO);
    private static final long NEEDS_GUEST_CSUM = bit(VirtioNet.F_GUEST_TSO4) | bit(VirtioNet.F_GUEST_TSO6)
            | bit(VirtioNet.F_GUEST_ECN) | bit(VirtioNet.F_GUEST_UFO) | bit(VirtioNet.F_CTRL_GUEST_OFFLOADS);

    /**
     * What a datapath decides rather than the NIC: the ring's layout, mergeable receive buffers and the offloads. An
     * offload that takes the rings ({@link io.modvm.api.net.VringOffload#features()}) limits these.
     */
    static final long DATAPATH = VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC)
            | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX) | bit(VirtioNet.F_MRG_RXBUF) | OFFLOADS;

    private NetFeatures() {
    }

    /** {@link #offered(NetConfig, boolean, int)}, less the datapath bits outside {@code datapath}. */
    static long offered(NetConfig config, boolean vnetHeader, int pairs, long datapath) {
        return dependencies(offered(config, vnetHeader, pairs) & ~(DATAPATH & ~datapath));
    }

    /**
     * @param vnetHeader whether the backend's frames carry the virtio-net header
     * @param pairs the queue pairs the device has
     */
    static long offered(NetConfig config, boolean vnetHeader, int pairs) {
        long f = VirtioFeatures.bit(VirtioFeatures.RING_INDIRECT_DESC) | VirtioFeatures.bit(VirtioFeatures.RING_EVENT_IDX)
                | bit(VirtioNet.F_MAC) | bit(VirtioNet.F_MRG_RXBUF) | bit(VirtioNet.F_STATUS) | bit(VirtioNet.F_CTRL_VQ)
                | bit(VirtioNet.F_CTRL_RX) | bit(VirtioNet.F_CTRL_VLAN) | bit(VirtioNet.F_CTRL_RX_EXTRA)
                | bit(VirtioNet.F_GUEST_ANNOUNCE) | bit(VirtioNet.F_CTRL_MAC_ADDR);
        if (vnetHeader) {
            // UFO is left out: Linux taps no longer segment UDP, so a guest must not be promised it.
            f |= OFFLOADS & ~bit(VirtioNet.F_GUEST_UFO) & ~bit(VirtioNet.F_HOST_UFO);
        }
        if (config.mtu() > 0) {
            f |= bit(VirtioNet.F_MTU);
        }
        if (config.mq() && pairs > 1) {
            f |= bit(VirtioNet.F_MQ);
        }
        for (var s : NetConfig.SWITCHES.entrySet()) {
            if (!config.on(s.getKey())) {
                f &= ~bit(s.getValue());
            }
        }
        return dependencies(f);
    }

    /** Drops what depends on a feature that is off. */
    private static long dependencies(long features) {
        long f = features;
        if ((f & bit(VirtioNet.F_CTRL_VQ)) == 0) {
            f &= ~NEEDS_CTRL_VQ;
        }
        if ((f & bit(VirtioNet.F_CSUM)) == 0) {
            f &= ~NEEDS_CSUM;
        }
        if ((f & bit(VirtioNet.F_GUEST_CSUM)) == 0) {
            f &= ~NEEDS_GUEST_CSUM;
        }
        return f;
    }
}

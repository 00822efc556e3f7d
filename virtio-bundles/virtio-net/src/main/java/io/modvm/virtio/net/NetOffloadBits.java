package io.modvm.virtio.net;

import io.modvm.api.net.NetOffloads;

/** The guest's receive offloads, as virtio-net feature bits and as the backend takes them. */
final class NetOffloadBits {
    /** The feature bits that are receive offloads, which VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET may change. */
    static final long GUEST_OFFLOADS = bit(VirtioNet.F_GUEST_CSUM) | bit(VirtioNet.F_GUEST_TSO4)
            | bit(VirtioNet.F_GUEST_TSO6) | bit(VirtioNet.F_GUEST_ECN) | bit(VirtioNet.F_GUEST_UFO);

    private NetOffloadBits() {
    }

    /** The backend's offloads ({@link NetOffloads}) for the guest's offload feature bits. */
    static int toBackend(long guest) {
        int offloads = 0;
        if ((guest & bit(VirtioNet.F_GUEST_CSUM)) != 0) {
            offloads |= NetOffloads.CSUM;
            if ((guest & bit(VirtioNet.F_GUEST_TSO4)) != 0) {
                offloads |= NetOffloads.TSO4;
            }
            if ((guest & bit(VirtioNet.F_GUEST_TSO6)) != 0) {
                offloads |= NetOffloads.TSO6;
            }
            if ((guest & bit(VirtioNet.F_GUEST_ECN)) != 0) {
                offloads |= NetOffloads.TSO_ECN;
            }
            if ((guest & bit(VirtioNet.F_GUEST_UFO)) != 0) {
                offloads |= NetOffloads.UFO;
            }
        }
        return offloads;
    }

    /** Whether frames of up to 64 KiB can reach the guest: it takes segmentation offloads. */
    static boolean largeFrames(long guest) {
        return (guest & (bit(VirtioNet.F_GUEST_TSO4) | bit(VirtioNet.F_GUEST_TSO6) | bit(VirtioNet.F_GUEST_UFO)))
                != 0;
    }

    static long bit(int n) {
        return 1L << n;
    }
}

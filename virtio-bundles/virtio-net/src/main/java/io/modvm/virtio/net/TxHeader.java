package io.modvm.virtio.net;

/**
 * The virtio-net header a driver put before a frame to send, checked against the frame and the negotiated features
 * (virtio 1.2, 5.1.6.2) before the host sees it: a header the host would misread (a checksum position past the
 * frame's end, a segmentation the driver did not negotiate, a segment size of 0) drops the frame.
 *
 * @param flags the header's flags
 * @param gsoType the segmentation type, with the ECN bit
 * @param hdrLen the length of the headers before the payload, as the driver gave it
 * @param gsoSize the segment size
 * @param csumStart where the checksum's coverage starts
 * @param csumOffset where in it the checksum goes
 */
record TxHeader(int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset) {

    /** Reads the fields of a 12-byte header, little-endian. */
    static TxHeader parse(byte[] h) {
        return new TxHeader(h[0] & 0xff, h[1] & 0xff, u16(h, 2), u16(h, 4), u16(h, 6), u16(h, 8));
    }

    private static int u16(byte[] h, int at) {
        return (h[at] & 0xff) | (h[at + 1] & 0xff) << 8;
    }

    /**
     * Why a frame of {@code frameLength} bytes (after the header) with this header may not be sent, or null if it
     * may. {@code features} are the negotiated ones.
     */
    String problem(long frameLength, long features, int plainFrameLimit) {
        if (frameLength < VirtioNet.ETH_HEADER) {
            return "frame of " + frameLength + " bytes, shorter than an Ethernet header";
        }
        if ((flags & ~VirtioNet.HDR_F_NEEDS_CSUM) != 0) {
            return String.format("header flags 0x%x", flags);
        }
        if ((flags & VirtioNet.HDR_F_NEEDS_CSUM) != 0) {
            if (!has(features, VirtioNet.F_CSUM)) {
                return "checksum offload asked for, but VIRTIO_NET_F_CSUM was not negotiated";
            }
            if ((long) csumStart + csumOffset + 2 > frameLength) {
                return "csum_start " + csumStart + " + csum_offset " + csumOffset + " past the frame's "
                        + frameLength + " bytes";
            }
        }
        int type = gsoType & ~VirtioNet.GSO_ECN;
        if (type == VirtioNet.GSO_NONE) {
            if (gsoType != VirtioNet.GSO_NONE) {
                return "ECN without segmentation (gso_type 0x80)";
            }
            return frameLength > plainFrameLimit
                    ? "frame of " + frameLength + " bytes without segmentation offload" : null;
        }
        int needed = switch (type) {
            case VirtioNet.GSO_TCPV4 -> VirtioNet.F_HOST_TSO4;
            case VirtioNet.GSO_TCPV6 -> VirtioNet.F_HOST_TSO6;
            case VirtioNet.GSO_UDP -> VirtioNet.F_HOST_UFO;
            default -> -1;
        };
        if (needed < 0 || !has(features, needed)) {
            return String.format("gso_type 0x%x not negotiated", gsoType);
        }
        if ((gsoType & VirtioNet.GSO_ECN) != 0 && !has(features, VirtioNet.F_HOST_ECN)) {
            return "ECN segmentation without VIRTIO_NET_F_HOST_ECN";
        }
        if (gsoSize == 0) {
            return "gso_size 0";
        }
        if (hdrLen > frameLength) {
            return "hdr_len " + hdrLen + " past the frame's " + frameLength + " bytes";
        }
        if (frameLength > VirtioNet.MAX_GSO_FRAME) {
            return "segmented frame of " + frameLength + " bytes";
        }
        return null;
    }

    private static boolean has(long features, int bit) {
        return (features & (1L << bit)) != 0;
    }
}

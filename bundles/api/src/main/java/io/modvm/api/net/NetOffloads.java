package io.modvm.api.net;

/** The offloads a frame may carry, as {@link NetworkBackend#setOffloads} takes them (Linux's TUN_F_* bits). */
public final class NetOffloads {
    /** Partial checksums: csum_start and csum_offset say where to finish them. */
    public static final int CSUM = 0x01;
    /** TCP segmentation over IPv4: a frame of up to 64 KiB, cut into gso_size segments. */
    public static final int TSO4 = 0x02;
    /** TCP segmentation over IPv6. */
    public static final int TSO6 = 0x04;
    /** TSO with ECN. */
    public static final int TSO_ECN = 0x08;
    /** UDP fragmentation offload. */
    public static final int UFO = 0x10;

    private NetOffloads() {
    }
}

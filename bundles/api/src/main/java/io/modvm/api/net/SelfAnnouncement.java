package io.modvm.api.net;

/**
 * The frame a NIC sends to tell the network's switches where its MAC address now is, after the guest moved (a live
 * migration) or on request: a broadcast RARP request from that address (ethertype 0x8035, "reverse request",
 * sender and target the NIC's own address, no IP addresses), padded to Ethernet's 60-byte minimum, as QEMU sends it.
 * A switch learns the address from the frame's source; nothing on the network needs to answer it.
 *
 * @since 1.2
 */
public final class SelfAnnouncement {
    /** The frame's length: Ethernet's minimum without the frame check sequence. */
    public static final int LENGTH = 60;
    private static final int ETHERTYPE_RARP = 0x8035;
    private static final int HARDWARE_ETHERNET = 1;
    private static final int PROTOCOL_IPV4 = 0x0800;
    private static final int OPERATION_REVERSE_REQUEST = 3;

    private SelfAnnouncement() {
    }

    /** The announcement of {@code mac} (six bytes). */
    public static byte[] frame(byte[] mac) {
        if (mac.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + mac.length);
        }
        byte[] f = new byte[LENGTH];
        for (int i = 0; i < 6; i++) {
            f[i] = (byte) 0xff;
        }
        System.arraycopy(mac, 0, f, 6, 6);
        putShort(f, 12, ETHERTYPE_RARP);
        putShort(f, 14, HARDWARE_ETHERNET);
        putShort(f, 16, PROTOCOL_IPV4);
        f[18] = 6;
        f[19] = 4;
        putShort(f, 20, OPERATION_REVERSE_REQUEST);
        System.arraycopy(mac, 0, f, 22, 6);
        // sender IP 0.0.0.0 at 28, target hardware address at 32, target IP 0.0.0.0 at 38; padding after 42
        System.arraycopy(mac, 0, f, 32, 6);
        return f;
    }

    private static void putShort(byte[] f, int at, int value) {
        f[at] = (byte) (value >>> 8);
        f[at + 1] = (byte) value;
    }
}

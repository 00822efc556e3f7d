package io.modvm.net.user;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv6 addresses as 16 bytes in network order, and prefixes. */
final class Ipv6 {
    private Ipv6() {
    }

    /** A literal address ({@code fec0::2}), or null if {@code text} is not one; never a name lookup. */
    static byte[] parse(String text) {
        // InetAddress looks a name up, but only a text without a colon can be taken for one.
        if (text.indexOf(':') < 0 || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return null;
        }
        try {
            InetAddress address = InetAddress.getByName(text);
            return address instanceof Inet6Address ? address.getAddress() : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether {@code a} and {@code b} share their first {@code length} bits. */
    static boolean sameNetwork(byte[] a, byte[] b, int length) {
        for (int bit = 0; bit < length; bit++) {
            int mask = 0x80 >>> (bit & 7);
            if ((a[bit >>> 3] & mask) != (b[bit >>> 3] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** {@code prefix} with its last byte or-ed with {@code last}: QEMU's default host (2) and DNS (3). */
    static byte[] withLast(byte[] prefix, int last) {
        byte[] address = prefix.clone();
        address[15] |= (byte) last;
        return address;
    }
}

package io.modvm.net.user;

/** IPv4 addresses as ints in host order: the dotted-quad form the options use, and QEMU's netmask rules. */
final class Ipv4 {
    private Ipv4() {
    }

    /** A dotted quad ({@code 10.0.2.15}), or null if {@code text} is not one. */
    static Integer parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        int address = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                return null;
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                return null;
            }
            address = address << 8 | octet;
        }
        return address;
    }

    static String format(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }

    /** The address in network order, as {@code struct in_addr} holds it. */
    static byte[] bytes(int address) {
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    /** The mask of a prefix length from 0 to 32. */
    static int mask(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** Whether {@code mask} is a run of ones followed by zeros. */
    static boolean isMask(int mask) {
        return (~mask & (~mask + 1)) == 0;
    }

    /**
     * The mask QEMU gives a {@code net=} without one: the address's class, or the private range it falls in
     * (net/slirp.c, net_slirp_init).
     */
    static int classfulMask(int address) {
        if ((address & 0x80000000) == 0) {
            return 0xff000000; // class A
        }
        if ((address & 0xfff00000) == 0xac100000) {
            return 0xfff00000; // 172.16.0.0/12
        }
        if ((address & 0xc0000000) == 0x80000000) {
            return 0xffff0000; // class B
        }
        if ((address & 0xffff0000) == 0xc0a80000) {
            return 0xffff0000; // 192.168.0.0/16
        }
        if ((address & 0xffff0000) == 0xc6120000) {
            return 0xfffe0000; // 198.18.0.0/15
        }
        if ((address & 0xe0000000) == 0xe0000000) {
            return 0xffffff00; // class C, as QEMU has it
        }
        return 0xfffffff0;
    }
}

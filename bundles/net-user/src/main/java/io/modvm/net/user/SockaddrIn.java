package io.modvm.net.user;

import com.sun.jna.Memory;

/** A {@code struct sockaddr_in} in native memory, as slirp_add_hostxfwd takes the two ends of a forward. */
final class SockaddrIn {
    static final int SIZE = 16;
    private static final short AF_INET = 2;

    private SockaddrIn() {
    }

    /** @param address IPv4 in host order (0 for any) */
    static Memory of(int address, int port) {
        Memory m = new Memory(SIZE);
        m.clear();
        m.setShort(0, AF_INET);
        m.write(2, new byte[] {(byte) (port >>> 8), (byte) port}, 0, 2);
        m.write(4, Ipv4.bytes(address), 0, 4);
        return m;
    }
}

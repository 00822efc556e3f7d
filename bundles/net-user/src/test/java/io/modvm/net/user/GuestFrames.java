package io.modvm.net.user;

import java.nio.ByteBuffer;

/**
 * Ethernet frames as a guest would send them (ARP, DHCP, TCP), and readers for the fields of the frames libslirp
 * answers with. Multi-byte fields are in network order, as on the wire.
 */
final class GuestFrames {
    static final byte[] GUEST_MAC = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    static final int ETH_ARP = 0x0806;
    static final int ETH_IPV4 = 0x0800;
    static final int PROTO_TCP = 6;
    static final int PROTO_UDP = 17;
    static final int TCP_FIN = 0x01;
    static final int TCP_SYN = 0x02;
    static final int TCP_RST = 0x04;
    static final int TCP_ACK = 0x10;

    private GuestFrames() {
    }

    static ByteBuffer ethernet(byte[] destination, int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
        b.put(destination).put(GUEST_MAC).putShort((short) type).put(payload);
        return b.flip();
    }

    /** who-has {@code target} tell {@code sender}; a gratuitous ARP when both are the same. */
    static ByteBuffer arpRequest(int sender, int target) {
        ByteBuffer arp = ByteBuffer.allocate(28);
        arp.putShort((short) 1).putShort((short) ETH_IPV4).put((byte) 6).put((byte) 4).putShort((short) 1);
        arp.put(GUEST_MAC).putInt(sender).put(new byte[6]).putInt(target);
        return ethernet(BROADCAST, ETH_ARP, arp.array());
    }

    /** A DHCPDISCOVER from 0.0.0.0:68 to 255.255.255.255:67. */
    static ByteBuffer dhcpDiscover(int xid) {
        ByteBuffer bootp = ByteBuffer.allocate(300);
        bootp.put((byte) 1).put((byte) 1).put((byte) 6).put((byte) 0).putInt(xid);
        bootp.putShort((short) 0).putShort((short) 0x8000); // secs, flags: broadcast
        bootp.putInt(0).putInt(0).putInt(0).putInt(0); // ciaddr, yiaddr, siaddr, giaddr
        bootp.put(GUEST_MAC).put(new byte[10]).put(new byte[64]).put(new byte[128]);
        bootp.putInt(0x63825363); // the magic cookie
        bootp.put((byte) 53).put((byte) 1).put((byte) 1); // DHCP message type: DISCOVER
        bootp.put((byte) 255);
        return ethernet(BROADCAST, ETH_IPV4, ipv4(0, 0xffffffff, PROTO_UDP, udp(68, 67, bootp.array())));
    }

    /** A TCP segment from {@code source}:{@code sourcePort} to {@code destination}:{@code destinationPort}. */
    static ByteBuffer tcp(byte[] destinationMac, int source, int sourcePort, int destination, int destinationPort,
            int seq, int ack, int flags) {
        ByteBuffer t = ByteBuffer.allocate(20);
        t.putShort((short) sourcePort).putShort((short) destinationPort).putInt(seq).putInt(ack);
        t.put((byte) (5 << 4)).put((byte) flags).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        byte[] segment = t.array();
        ByteBuffer pseudo = ByteBuffer.allocate(12 + segment.length);
        pseudo.putInt(source).putInt(destination).put((byte) 0).put((byte) PROTO_TCP)
                .putShort((short) segment.length).put(segment);
        int sum = checksum(pseudo.array());
        segment[16] = (byte) (sum >>> 8);
        segment[17] = (byte) sum;
        return ethernet(destinationMac, ETH_IPV4, ipv4(source, destination, PROTO_TCP, segment));
    }

    /** A UDP datagram without a checksum (0: none, which IPv4 allows). */
    static byte[] udp(int sourcePort, int destinationPort, byte[] payload) {
        ByteBuffer u = ByteBuffer.allocate(8 + payload.length);
        u.putShort((short) sourcePort).putShort((short) destinationPort).putShort((short) (8 + payload.length))
                .putShort((short) 0).put(payload);
        return u.array();
    }

    static byte[] ipv4(int source, int destination, int protocol, byte[] payload) {
        ByteBuffer ip = ByteBuffer.allocate(20 + payload.length);
        ip.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) 1)
                .putShort((short) 0x4000).put((byte) 64).put((byte) protocol).putShort((short) 0)
                .putInt(source).putInt(destination);
        byte[] header = new byte[20];
        ip.position(0);
        ip.get(header);
        int sum = checksum(header);
        ip.putShort(10, (short) sum);
        ip.position(20);
        ip.put(payload);
        return ip.array();
    }

    static int checksum(byte[] data) {
        long sum = 0;
        for (int i = 0; i + 1 < data.length; i += 2) {
            sum += (data[i] & 0xff) << 8 | data[i + 1] & 0xff;
        }
        if (data.length % 2 == 1) {
            sum += (data[data.length - 1] & 0xff) << 8;
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) ~sum & 0xffff;
    }

    // Readers of a received frame.

    static int etherType(ByteBuffer f) {
        return f.getShort(12) & 0xffff;
    }

    static int ipProtocol(ByteBuffer f) {
        return f.get(14 + 9) & 0xff;
    }

    static int ipSource(ByteBuffer f) {
        return f.getInt(14 + 12);
    }

    static int ipDestination(ByteBuffer f) {
        return f.getInt(14 + 16);
    }

    /** Where the IPv4 payload (UDP or TCP header) starts. */
    static int l4(ByteBuffer f) {
        return 14 + (f.get(14) & 0x0f) * 4;
    }

    static int sourcePort(ByteBuffer f) {
        return f.getShort(l4(f)) & 0xffff;
    }

    static int destinationPort(ByteBuffer f) {
        return f.getShort(l4(f) + 2) & 0xffff;
    }

    static int tcpFlags(ByteBuffer f) {
        return f.get(l4(f) + 13) & 0x3f;
    }

    static int tcpSeq(ByteBuffer f) {
        return f.getInt(l4(f) + 4);
    }

    static int dhcpMessageType(ByteBuffer f) {
        return dhcpOption(f, 53)[0];
    }

    /** The bytes of DHCP option {@code code} in a BOOTP reply, or an empty array. */
    static byte[] dhcpOption(ByteBuffer f, int code) {
        int at = l4(f) + 8 + 240;
        while (at < f.limit()) {
            int c = f.get(at) & 0xff;
            if (c == 255) {
                break;
            }
            if (c == 0) {
                at++;
                continue;
            }
            int length = f.get(at + 1) & 0xff;
            if (c == code) {
                byte[] value = new byte[length];
                f.get(at + 2, value);
                return value;
            }
            at += 2 + length;
        }
        return new byte[0];
    }

    static int bootpYiaddr(ByteBuffer f) {
        return f.getInt(l4(f) + 8 + 16);
    }

    static int bootpXid(ByteBuffer f) {
        return f.getInt(l4(f) + 8 + 4);
    }

    static byte[] mac(ByteBuffer f, int at) {
        byte[] mac = new byte[6];
        f.get(at, mac);
        return mac;
    }
}

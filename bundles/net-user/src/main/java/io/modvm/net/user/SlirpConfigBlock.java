package io.modvm.net.user;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * libslirp's {@code SlirpConfig} (version {@value SlirpLib#CONFIG_VERSION}, libslirp 4.7's layout on x86-64) in
 * native memory, with the strings it points to. libslirp copies what it keeps during slirp_new; the block lives as
 * long as the stack anyway. Addresses ({@code struct in_addr}, {@code struct in6_addr}) are in network order.
 */
final class SlirpConfigBlock {
    static final int SIZE = 184;
    private static final int VERSION = 0;
    private static final int RESTRICTED = 4;
    private static final int IN_ENABLED = 8;
    private static final int VNETWORK = 12;
    private static final int VNETMASK = 16;
    private static final int VHOST = 20;
    private static final int IN6_ENABLED = 24;
    private static final int VPREFIX_ADDR6 = 28;
    private static final int VPREFIX_LEN = 44;
    private static final int VHOST6 = 48;
    private static final int VHOSTNAME = 64;
    private static final int VDHCP_START = 96;
    private static final int VNAMESERVER = 100;
    private static final int VNAMESERVER6 = 104;
    private static final int VDNSSEARCH = 120;
    private static final int VDOMAINNAME = 128;

    private final Memory block = new Memory(SIZE);
    /** The strings and the search list the block points to, kept reachable while it is. */
    private final List<Memory> kept = new ArrayList<>();

    SlirpConfigBlock(UserConfig config) {
        block.clear();
        block.setInt(VERSION, SlirpLib.CONFIG_VERSION);
        block.setInt(RESTRICTED, config.restrict() ? 1 : 0);
        block.setByte(IN_ENABLED, (byte) (config.ipv4() ? 1 : 0));
        putIpv4(VNETWORK, config.network());
        putIpv4(VNETMASK, config.mask());
        putIpv4(VHOST, config.host());
        block.setByte(IN6_ENABLED, (byte) (config.ipv6() ? 1 : 0));
        block.write(VPREFIX_ADDR6, config.ipv6Prefix(), 0, 16);
        block.setByte(VPREFIX_LEN, (byte) config.ipv6PrefixLength());
        block.write(VHOST6, config.ipv6Host(), 0, 16);
        block.setPointer(VHOSTNAME, string(config.hostname()));
        putIpv4(VDHCP_START, config.dhcpStart());
        putIpv4(VNAMESERVER, config.dns());
        block.write(VNAMESERVER6, config.ipv6Dns(), 0, 16);
        block.setPointer(VDNSSEARCH, searchList(config.dnssearch()));
        block.setPointer(VDOMAINNAME, string(config.domainname()));
        // if_mtu and if_mru 0 (libslirp's 1500), host loopback allowed, no emulation, no outbound address,
        // DNS and DHCP served: the zeros the block was cleared to.
    }

    Pointer pointer() {
        return block;
    }

    private void putIpv4(int offset, int address) {
        block.write(offset, Ipv4.bytes(address), 0, 4);
    }

    private Pointer string(String text) {
        if (text == null) {
            return null;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Memory m = new Memory(bytes.length + 1L);
        m.write(0, bytes, 0, bytes.length);
        m.setByte(bytes.length, (byte) 0);
        kept.add(m);
        return m;
    }

    /** A NULL-terminated array of strings, or NULL for none. */
    private Pointer searchList(List<String> domains) {
        if (domains.isEmpty()) {
            return null;
        }
        Memory array = new Memory((domains.size() + 1L) * Native.POINTER_SIZE);
        for (int i = 0; i < domains.size(); i++) {
            array.setPointer((long) i * Native.POINTER_SIZE, string(domains.get(i)));
        }
        array.setPointer((long) domains.size() * Native.POINTER_SIZE, null);
        kept.add(array);
        return array;
    }
}
